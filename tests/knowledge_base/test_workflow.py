import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, TaskState, Workflow

from core.roles import Role
from knowledge_base.models import SystemOwnerApprovalTask

from .factories import knowledge_index, make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


def test_workflow_assigned_to_knowledge_index():
    workflow = Workflow.objects.get(name="Revisión de artículos")
    assert knowledge_index().get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert isinstance(task, SystemOwnerApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == [Role.REVIEWER]


def test_custodians_may_add_and_change_but_not_publish():
    codenames = set(
        GroupPagePermission.objects.filter(
            group__name=Role.CUSTODIAN, page=knowledge_index()
        ).values_list("permission__codename", flat=True)
    )
    assert codenames == {"add_page", "change_page"}


def _submit(article, user):
    revision = article.save_revision(user=user)
    workflow = article.get_workflow()
    return workflow.start(article, user), revision


@pytest.mark.parametrize("approver", ["reviewer", "system_owner", "system_backup"])
def test_reviewer_or_system_keepers_approve_and_comment_is_kept(approver, custodian):
    owner, backup = make_profile(Role.CUSTODIAN), make_profile(Role.LEARNER)
    system = make_system(owners=[owner], backups=[backup])
    article = make_article(systems=[system], owner=custodian)
    article.title = "Procedimiento actualizado"
    state, _revision = _submit(article, custodian.user)
    user = {
        "reviewer": make_profile(Role.REVIEWER).user,
        "system_owner": owner.user,
        "system_backup": backup.user,
    }[approver]
    task_state = state.current_task_state
    task = task_state.task.specific
    assert [a[0] for a in task.get_actions(article, user)] == ["reject", "approve", "approve"]
    assert TaskState.objects.reviewable_by(user).filter(pk=task_state.pk).exists()
    task.on_action(task_state, user, "approve", comment="Revisado contra el manual")
    article.refresh_from_db()
    assert article.title == "Procedimiento actualizado" and article.live
    assert TaskState.objects.get(pk=task_state.pk).comment == "Revisado contra el manual"


def test_unrelated_user_cannot_approve(custodian, outsider):
    other_owner = make_profile(Role.CUSTODIAN)
    make_system(owners=[other_owner])  # keeps another system, not this one
    article = make_article(systems=[make_system(owners=[custodian])], owner=custodian)
    state, _ = _submit(article, custodian.user)
    task = state.current_task_state.task.specific
    for user in (outsider.user, other_owner.user):
        assert task.get_actions(article, user) == []
        assert task.locked_for_user(article, user)
        assert not TaskState.objects.reviewable_by(user).exists()


def test_reviewer_group_exists_for_task():
    assert Group.objects.filter(name=Role.REVIEWER).exists()
