from allauth.account.adapter import get_adapter
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_is_open(context) -> bool:
    """Whether the sign-up invitation may be shown (the account adapter decides)."""
    request = context.get("request")
    return bool(request is not None and get_adapter(request).is_open_for_signup(request))


@register.filter
def permission_label(permission) -> str:
    """A permission's name in the reader's language (core.permission_names)."""
    from core.permission_names import permission_label as label

    return label(permission)
