from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from core.api import is_own_submission
from people.api import StaffStatus

from .pages import ArticlePage, SystemPage


def _system_ids_of(obj) -> set[int]:
    """Systems a page under review belongs to: an article's systems, or the system itself."""
    specific = getattr(obj, "specific", obj)
    if isinstance(specific, SystemPage):
        return {specific.pk}
    if isinstance(specific, ArticlePage):
        return set(
            ArticlePage.systems.through.objects.filter(articlepage_id=specific.pk).values_list(
                "systempage_id", flat=True
            )
        )
    return set()


def systems_kept_by(user) -> set[int]:
    """Ids of the systems where the user is an active owner or backup."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_attr = "_kb_systems_kept"
    if not hasattr(user, cache_attr):
        owned = SystemPage.owners.through.objects.filter(
            staffprofile__user=user, staffprofile__status=StaffStatus.ACTIVE
        ).values_list("systempage_id", flat=True)
        backed = SystemPage.backups.through.objects.filter(
            staffprofile__user=user, staffprofile__status=StaffStatus.ACTIVE
        ).values_list("systempage_id", flat=True)
        setattr(user, cache_attr, set(owned.union(backed)))
    return getattr(user, cache_attr)


class SystemOwnerApprovalTask(AbstractGroupApprovalTask):
    """Approval by the chosen groups (Revisor de contenidos) OR by an active owner or backup of
    one of the systems the article documents.

    One task rather than two in sequence: either kind of reviewer is enough, which is what the
    institution asked for ("system owners and their backups may approve articles of their
    systems"). The reviewer's comment is kept by Wagtail on the TaskState.

    Four eyes: whoever submitted the article or wrote the revision under review never approves
    it, even as a reviewer, owner or administrator (core.four_eyes)."""

    def _may_approve(self, obj, user) -> bool:
        if is_own_submission(obj, user):
            return False
        if user.is_superuser or self._user_in_groups(user):
            return True
        return bool(_system_ids_of(obj) & systems_kept_by(user))

    def user_can_access_editor(self, obj, user):
        return self._may_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_approve(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_approve(obj, user)

    def get_actions(self, obj, user):
        if self._may_approve(obj, user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = (
            self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )
        if user.is_superuser or self._user_in_groups(user):
            return states
        systems = systems_kept_by(user)
        if not systems:
            return TaskState.objects.none()
        article_ids = ArticlePage.systems.through.objects.filter(
            systempage_id__in=systems
        ).values_list("articlepage_id", flat=True)
        object_ids = {str(pk) for pk in article_ids} | {str(pk) for pk in systems}
        return states.filter(Q(workflow_state__object_id__in=object_ids))

    def approvers_text(self) -> str:
        """Who may approve instead, for the submitter (shown in the editor)."""
        groups = ", ".join(self.groups.values_list("name", flat=True)) or "—"
        return gettext(
            "You cannot approve your own submission. Another person approves it: a member of "
            "%(groups)s, or another active owner or backup of the article's systems."
        ) % {"groups": groups}

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups, or an active owner or backup of the article's "
            "systems, can approve this task, except the person who submitted or wrote it"
        )

    class Meta:
        verbose_name = _("system owner or reviewer approval")
        verbose_name_plural = _("system owner or reviewer approvals")
