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


AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100">'
    '<rect width="100" height="100" fill="#0b4f8a"/>'
    '<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="42"'
    ' font-weight="600" fill="#fff">{initials}</text></svg>'
)


def user_initials(user) -> str:
    names = [user.first_name, user.last_name] if user.first_name or user.last_name else []
    letters = "".join(name.strip()[:1] for name in names if name.strip())
    return (letters or (user.email or "?")[:1]).upper()


@hooks.register("get_avatar_url")
def initials_avatar_url(user, size):
    """The initials, drawn here, unless the user uploaded an avatar: Gravatar is off
    (WAGTAIL_GRAVATAR_PROVIDER_URL = None), and nothing is fetched from outside."""
    from urllib.parse import quote

    from django.utils.html import escape
    from wagtail.users.models import UserProfile

    # A lookup, never get_for_user: that creates profiles, and fails for placeholder users
    # (a deleted author in a revision comparison).
    if user is None:  # no author (a revision without one): Wagtail's own placeholder
        return None
    if user.pk and UserProfile.objects.filter(user_id=user.pk).exclude(avatar="").exists():
        return None
    svg = AVATAR_SVG.format(size=int(size) * 2, initials=escape(user_initials(user)))
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
