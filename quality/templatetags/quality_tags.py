from django import template

register = template.Library()


@register.filter
def get_value(data, key):
    """A submitted value by key (re-showing a survey with its errors)."""
    return data.get(key, "") if hasattr(data, "get") else ""


@register.filter
def get_list(data, key):
    return data.getlist(key) if hasattr(data, "getlist") else []
