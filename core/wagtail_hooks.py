from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action("relevo.sign_in", _("Sign in"), _("Signed in"))
    actions.register_action("relevo.sign_in_failed", _("Failed sign-in"), _("Failed sign-in"))
    actions.register_action("relevo.roles_changed", _("Roles changed"), _("Roles changed"))
