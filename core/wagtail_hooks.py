from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from . import four_eyes
from .roles import Role, has_role


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action("relevo.sign_in", _("Sign in"), _("Signed in"))
    actions.register_action("relevo.sign_in_failed", _("Failed sign-in"), _("Failed sign-in"))
    actions.register_action(
        "relevo.sso_account_created",
        _("Account created by single sign-on"),
        _("Account created by single sign-on"),
    )
    actions.register_action("relevo.roles_changed", _("Roles changed"), _("Roles changed"))
    actions.register_action("relevo.sessions_ended", _("Sessions ended"), _("Sessions ended"))
    actions.register_action(
        "relevo.authenticators_reset", _("Second factor reset"), _("Second factor reset")
    )


@hooks.register("insert_global_admin_js")
def admin_accessibility_fixes():
    return format_html('<script src="{}" defer></script>', static("core/admin-a11y.js"))


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
    first, last = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    names = [first, last] if first or last else []
    letters = "".join(name.strip()[:1] for name in names if name.strip())
    return (letters or (getattr(user, "email", "") or "?")[:1]).upper()


@hooks.register("get_avatar_url")
def initials_avatar_url(user, size):
    """The initials, drawn here, unless the user uploaded an avatar: Gravatar is off
    (WAGTAIL_GRAVATAR_PROVIDER_URL = None), and nothing is fetched from outside."""
    from urllib.parse import quote

    from django.utils.html import escape
    from wagtail.users.models import UserProfile

    # A lookup, never get_for_user: that creates profiles, and fails for placeholder users
    # (a deleted author in a revision comparison) and for the system (no user at all).
    user_id = getattr(user, "pk", None)
    if user_id and UserProfile.objects.filter(user_id=user_id).exclude(avatar="").exists():
        return None
    svg = AVATAR_SVG.format(size=int(size) * 2, initials=escape(user_initials(user)))
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


# Four eyes (core.four_eyes): the author of a page under a workflow never publishes it directly.


def _refuse_own_publish(request, page):
    messages.error(
        request,
        _(
            "You cannot publish what you wrote yourself: your changes were saved as a draft. "
            "Submit them for review so that another person approves them."
        ),
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("construct_page_action_menu")
def hide_publish_for_the_author(menu_items, request, context):
    page, parent = context.get("page"), context.get("parent_page")
    if context.get("view") == "create":
        blocked = four_eyes.parent_needs_review(parent)
    else:
        blocked = four_eyes.publish_needs_another_person(page, request.user, new_revision=True)
    if blocked:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_publish_page")
def refuse_publish_by_the_author(request, page):
    # Called by the edit and create views after they saved the user's revision.
    if four_eyes.publish_needs_another_person(page, request.user, new_revision=True):
        if page.live and page.live_revision_id is None:
            # The create view adds the new page as live before publishing: keep it a draft.
            type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        return _refuse_own_publish(request, page)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish_by_the_author(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    own = [page for page in objects if four_eyes.publish_needs_another_person(page, request.user)]
    if not own:
        return None
    messages.error(
        request,
        _("You cannot publish pages you wrote yourself without another person's approval: %s")
        % ", ".join(str(page) for page in own),
    )
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "wagtailadmin_home"
    return redirect(next_url)


@hooks.register("before_edit_page")
def tell_the_submitter_who_approves(request, page):
    if request.method != "GET" or not four_eyes.is_own_submission(page, request.user):
        return None
    task = page.current_workflow_task
    if hasattr(task, "approvers_text"):
        messages.info(request, task.approvers_text())
    return None
