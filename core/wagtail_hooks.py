from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import four_eyes


@hooks.register("register_log_actions")
def register_core_log_actions(actions):
    actions.register_action("relevo.sign_in", _("Sign in"), _("Signed in"))
    actions.register_action("relevo.sign_in_failed", _("Failed sign-in"), _("Failed sign-in"))
    actions.register_action("relevo.roles_changed", _("Roles changed"), _("Roles changed"))


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
