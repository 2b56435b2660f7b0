"""Four eyes: nobody approves their own submission, nor publishes what they wrote without
another person's approval.

Two halves, both Wagtail's own extension points:
- `FourEyesTaskMixin` for workflow tasks: the person who submitted the revision under review,
  and the person who wrote it, get no actions, are locked out of it as reviewers and do not
  see it in "Awaiting your review" (course review uses `core.ReviewerApprovalTask`, article
  review `knowledge_base.SystemOwnerApprovalTask`).
- `publish_needs_another_person` for direct publishing, used by core's wagtail_hooks to take
  "Publicar" out of the editor's action menu and to refuse a publish, create-and-publish or
  bulk publish of a page under a workflow by its author (administrators and reviewers
  included: they hold the Publish permission). The only way live is then the workflow.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.models import TaskState


def _review_authors(task_state) -> set[int]:
    """Who may not approve a task state: the submitter and the author of the revision."""
    if task_state is None:
        return set()
    ids = {task_state.workflow_state.requested_by_id}
    if task_state.revision_id and task_state.revision.user_id:
        ids.add(task_state.revision.user_id)
    return {pk for pk in ids if pk}


def is_own_submission(obj, user) -> bool:
    state = getattr(obj, "current_workflow_state", None)
    if state is None or not getattr(user, "is_authenticated", False):
        return False
    return user.pk in _review_authors(state.current_task_state)


class FourEyesTaskMixin:
    """Put first in the bases of a Task subclass (before AbstractGroupApprovalTask)."""

    def user_can_access_editor(self, obj, user):
        return not is_own_submission(obj, user) and super().user_can_access_editor(obj, user)

    def locked_for_user(self, obj, user):
        return is_own_submission(obj, user) or super().locked_for_user(obj, user)

    def user_can_lock(self, obj, user):
        return not is_own_submission(obj, user) and super().user_can_lock(obj, user)

    def get_actions(self, obj, user):
        if is_own_submission(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if not getattr(user, "is_authenticated", False):
            return TaskState.objects.none()
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    def approvers_text(self) -> str:
        """Who may approve instead, for the submitter (shown in the editor)."""
        groups = ", ".join(self.groups.values_list("name", flat=True)) or "—"
        return _(
            "You cannot approve your own submission. Another person approves it: a member of "
            "%(groups)s."
        ) % {"groups": groups}


def publish_needs_another_person(page, user, *, new_revision: bool = False) -> bool:
    """True when `user` may not publish `page` directly: the page is under a workflow and the
    user wrote the content that would go live (they own the page, wrote its latest revision,
    or are about to save a new one: `new_revision`, as the editor's Publish button does)."""
    if not getattr(user, "is_authenticated", False) or page is None or page.pk is None:
        return False
    if page.get_workflow() is None:
        return False
    if new_revision or page.owner_id == user.pk:
        return True
    revision = page.get_latest_revision()
    return revision is not None and revision.user_id == user.pk


def parent_needs_review(parent_page) -> bool:
    """A page created under `parent_page` inherits its workflow; its creator is its author."""
    return parent_page is not None and parent_page.get_workflow() is not None
