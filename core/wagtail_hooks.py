from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from .roles import Role, has_role


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action("relevo.sign_in", _("Sign in"), _("Signed in"))
    actions.register_action("relevo.sign_in_failed", _("Failed sign-in"), _("Failed sign-in"))
    actions.register_action("relevo.roles_changed", _("Roles changed"), _("Roles changed"))
    actions.register_action("relevo.sessions_ended", _("Sessions ended"), _("Sessions ended"))
    actions.register_action(
        "relevo.authenticators_reset", _("Second factor reset"), _("Second factor reset")
    )


@hooks.register("register_user_listing_buttons")
def person_security_button(user, request_user):
    if not has_role(request_user, Role.ADMIN):
        return []
    return [
        Button(
            _("Sessions and second factor"),
            reverse("core:person_security", args=[user.pk]),
            priority=50,
        )
    ]
