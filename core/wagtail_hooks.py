from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action("relevo.sign_in", _("Sign in"), _("Signed in"))
    actions.register_action("relevo.sign_in_failed", _("Failed sign-in"), _("Failed sign-in"))
    actions.register_action("relevo.roles_changed", _("Roles changed"), _("Roles changed"))


@hooks.register("register_admin_menu_item")
def register_back_to_site_menu_item():
    """The admin's way back to the public site (the sidebar has none of its own)."""
    return MenuItem(_("Go to the site"), "/inicio/", name="relevo-site", icon_name="home", order=1)
