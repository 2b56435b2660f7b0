"""Permission names in the reader's language. Django stores the default permissions' names in
English when it creates them ("Can add question") and Wagtail's group and page-permission
screens print them as stored; these labels are rebuilt from the action and the model's
translated verbose name instead, and other permissions go through gettext."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

DEFAULT_ACTIONS = {
    "add": lambda model: _("Can add %(model)s") % {"model": model},
    "change": lambda model: _("Can change %(model)s") % {"model": model},
    "delete": lambda model: _("Can delete %(model)s") % {"model": model},
    "view": lambda model: _("Can view %(model)s") % {"model": model},
}


def permission_label(permission) -> str:
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in DEFAULT_ACTIONS and model is not None and model._meta.model_name == model_name:
        return DEFAULT_ACTIONS[action](model._meta.verbose_name)
    return capfirst(_(permission.name))
