"""Four eyes on course review: nobody approves their own submission, nobody publishes a course
they wrote without another person's approval (reviewers and administrators included)."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import TaskState

from core.models import ReviewerApprovalTask
from core.roles import Role
from courses.models import CoursePage

from .factories import catalogue, make_course
from .test_authoring import _course_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_ROLES = []


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.LEARNER, is_superuser=True, is_staff=True)


def _submit(course, user):
    course.title = f"{course.title} (revisado)"
    course.save_revision(user=user)
    course.get_workflow().start(course, user)
    course.refresh_from_db()
    return course.current_workflow_state.current_task_state


def _approve_url(course, task_state):
    return reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])


def test_course_review_task_is_the_four_eyes_task():
    task = catalogue().get_workflow().tasks.get().specific
    assert isinstance(task, ReviewerApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == [Role.REVIEWER]


@pytest.mark.parametrize("submitter_kind", ["reviewer", "administrator"])
def test_submitter_cannot_approve_own_course_another_reviewer_can(
    client, make_user, admin_user, submitter_kind
):
    submitter = {
        "reviewer": make_user(Role.LEARNER, Role.TRAINER, Role.REVIEWER),
        "administrator": admin_user,
    }[submitter_kind]
    course = make_course(title="Ética pública", lessons=0, owners=[submitter], live=False)
    task_state = _submit(course, submitter)
    task = task_state.task.specific

    assert task.get_actions(course, submitter) == []
    assert task.locked_for_user(course, submitter)
    assert not TaskState.objects.reviewable_by(submitter).filter(pk=task_state.pk).exists()
    client.force_login(submitter)
    response = client.post(_approve_url(course, task_state))
    assert response.status_code in (302, 403)
    task_state.refresh_from_db()
    course.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS and not course.live

    other = make_user(Role.LEARNER, Role.REVIEWER)
    assert [name for name, *_ in task.get_actions(course, other)] == [
        "reject",
        "approve",
        "approve",
    ]
    assert TaskState.objects.reviewable_by(other).filter(pk=task_state.pk).exists()
    client.force_login(other)
    client.post(_approve_url(course, task_state))
    task_state.refresh_from_db()
    course.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED and course.live
    assert course.title == "Ética pública (revisado)"


def test_submitter_is_told_who_approves_instead(client, make_user):
    submitter = make_user(Role.LEARNER, Role.TRAINER, Role.REVIEWER)
    course = make_course(title="Contratación", lessons=0, owners=[submitter], live=False)
    _submit(course, submitter)
    client.force_login(submitter)
    with translation.override("es"):
        response = client.get(
            reverse("wagtailadmin_pages:edit", args=[course.pk]), headers={"accept-language": "es"}
        )
    page = response.content.decode()
    assert "No puede aprobar su propio envío" in page
    assert Role.REVIEWER in page


@pytest.mark.parametrize("kind", ["reviewer", "administrator"])
def test_author_with_publish_permission_cannot_publish_own_course(
    client, make_user, admin_user, kind
):
    author = {"reviewer": make_user(Role.LEARNER, Role.REVIEWER), "administrator": admin_user}[kind]
    course = make_course(title="Borrador", lessons=0, live=False)
    client.force_login(author)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])

    assert 'name="action-publish"' not in client.get(edit_url).content.decode()
    data = _course_form_data(title="Borrador publicado", slug=course.slug)
    response = client.post(edit_url, {**data, "action-publish": "publish"}, follow=True)
    assert response.status_code == 200
    course.refresh_from_db()
    assert not course.live
    assert course.get_latest_revision().user == author  # kept as a draft, nothing lost
    assert "otra persona" in response.content.decode()


def test_administrator_cannot_create_and_publish_a_course(client, admin_user):
    client.force_login(admin_user)
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue().pk))
    assert 'name="action-publish"' not in client.get(url).content.decode()
    client.post(url, {**_course_form_data(), "action-publish": "publish"})
    course = CoursePage.objects.get(slug="proteccion-datos")
    assert not course.live


def test_bulk_publish_of_own_draft_refused_another_persons_allowed(client, make_user):
    reviewer = make_user(Role.LEARNER, Role.REVIEWER)
    trainer = make_user(Role.LEARNER, Role.TRAINER)
    own = make_course(title="Propio", lessons=0, live=False)
    own.save_revision(user=reviewer)
    theirs = make_course(title="Ajeno", lessons=0, live=False)
    theirs.save_revision(user=trainer)
    client.force_login(reviewer)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    client.post(f"{url}?id={own.pk}", {})
    own.refresh_from_db()
    assert not own.live
    client.post(f"{url}?id={theirs.pk}", {})
    theirs.refresh_from_db()
    assert theirs.live
