"""Four eyes on article review: the submitter (or writer) of an article never approves it, even
as a content reviewer, a system owner or an administrator; another keeper of the system can."""

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from core.roles import Role

from .factories import make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_ROLES = []


def _submit(article, user):
    article.title = f"{article.title} (actualizado)"
    article.save_revision(user=user)
    article.get_workflow().start(article, user)
    article.refresh_from_db()
    return article.current_workflow_state.current_task_state


def _approve(client, user, article, task_state):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])
    client.post(url)
    task_state.refresh_from_db()
    article.refresh_from_db()


def test_system_owner_cannot_approve_own_article_another_owner_can(client):
    author, colleague = make_profile(Role.CUSTODIAN), make_profile(Role.CUSTODIAN)
    system = make_system(owners=[author], backups=[colleague])
    article = make_article(systems=[system], owner=author)
    task_state = _submit(article, author.user)
    task = task_state.task.specific

    assert task.get_actions(article, author.user) == []
    assert task.locked_for_user(article, author.user)
    assert not TaskState.objects.reviewable_by(author.user).exists()
    _approve(client, author.user, article, task_state)
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not article.title.endswith("(actualizado)")

    assert TaskState.objects.reviewable_by(colleague.user).filter(pk=task_state.pk).exists()
    _approve(client, colleague.user, article, task_state)
    assert task_state.status == TaskState.STATUS_APPROVED
    assert article.live and article.title.endswith("(actualizado)")


@pytest.mark.parametrize("kind", ["reviewer", "administrator"])
def test_reviewer_or_administrator_cannot_approve_what_they_submitted(client, kind):
    author = (
        make_profile(Role.LEARNER, Role.REVIEWER)
        if kind == "reviewer"
        else make_profile(Role.LEARNER, is_superuser=True, is_staff=True)
    )
    article = make_article(systems=[make_system()], owner=author)
    task_state = _submit(article, author.user)
    assert task_state.task.specific.get_actions(article, author.user) == []
    _approve(client, author.user, article, task_state)
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    _approve(client, make_profile(Role.LEARNER, Role.REVIEWER).user, article, task_state)
    assert task_state.status == TaskState.STATUS_APPROVED


def test_reviewer_cannot_approve_a_revision_they_wrote_for_someone_else(client):
    custodian = make_profile(Role.CUSTODIAN)
    reviewer = make_profile(Role.LEARNER, Role.REVIEWER)
    article = make_article(systems=[make_system(owners=[custodian])], owner=custodian)
    article.title = "Escrito por el revisor"
    article.save_revision(user=reviewer.user)
    article.get_workflow().start(article, custodian.user)
    article.refresh_from_db()
    task = article.current_workflow_task
    assert task.get_actions(article, reviewer.user) == []
    assert not TaskState.objects.reviewable_by(reviewer.user).exists()


def test_reviewer_has_no_publish_button_on_an_article_and_bulk_publish_is_refused(client):
    reviewer = make_profile(Role.LEARNER, Role.REVIEWER)
    article = make_article(systems=[make_system()], owner=reviewer)
    article.title = "Cambio sin revisión"
    article.save_revision(user=reviewer.user)
    client.force_login(reviewer.user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert 'name="action-publish"' not in edit
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    client.post(f"{url}?id={article.pk}", {})
    article.refresh_from_db()
    assert article.title != "Cambio sin revisión" and article.has_unpublished_changes
