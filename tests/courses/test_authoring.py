import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text

from core.roles import Role
from courses.models import CoursePage, LessonPage

from .factories import catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_ROLES = []


def _course_form_data(**overrides):
    data = {
        "title": "Protección de datos personales",
        "slug": "proteccion-datos",
        "summary": "Cómo tratar los datos personales en el Ministerio.",
        "level": CoursePage.Level.BASIC,
        "estimated_hours": "2",
        "objectives": rich_text("<p>Conocer la norma.</p>"),
        "audience": "",
        "visibility": CoursePage.Visibility.PUBLIC,
        "completion_rule": CoursePage.CompletionRule.ALL_LESSONS,
        "comments": {
            "TOTAL_FORMS": 0,
            "INITIAL_FORMS": 0,
            "MIN_NUM_FORMS": 0,
            "MAX_NUM_FORMS": 1000,
        },
    }
    data.update(overrides)
    return nested_form_data(data)


def test_trainer_creates_a_course_and_becomes_its_owner(client, trainer):
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue().pk))
    response = client.post(url, _course_form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="proteccion-datos")
    assert list(course.owners.all()) == [trainer]
    assert not course.live


def test_trainer_cannot_publish_directly(client, trainer):
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue().pk))
    client.post(url, {**_course_form_data(), "action-publish": "publish"})
    course = CoursePage.objects.get(slug="proteccion-datos")
    assert not course.live
    assert not course.permissions_for_user(trainer).can_publish()


def test_trainer_can_edit_own_course(client, trainer, course):
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200


def _refused(client, url) -> bool:
    """Wagtail answers a refused admin request with 403 for scripts and, for a browser, with
    a redirect to the admin home and a "no permission" message."""
    scripted = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    browser = client.get(url, follow=True)
    page = browser.content.decode().lower()
    return (
        scripted.status_code == 403
        and browser.redirect_chain[0] == (reverse("wagtailadmin_home"), 302)
        and ("permission" in page or "permiso" in page)
    )


def test_owner_can_edit_a_draft_with_unpublished_changes(client, trainer, other_trainer):
    draft = make_course(title="Borrador", lessons=1, owners=[trainer], live=False)
    assert CoursePage.objects.get(pk=draft.pk).has_unpublished_changes
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    client.force_login(trainer)
    assert client.get(url).status_code == 200
    lesson = LessonPage.objects.child_of(draft).get()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).status_code == 200
    client.force_login(other_trainer)
    assert _refused(client, url)


def test_trainer_cannot_edit_another_trainers_course(client, other_trainer, course):
    client.force_login(other_trainer)
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert _refused(client, url)
    assert not course.permissions_for_user(other_trainer).can_edit()


def test_trainer_cannot_edit_or_add_lessons_of_another_trainers_course(
    client, other_trainer, course
):
    client.force_login(other_trainer)
    lesson = LessonPage.objects.child_of(course).first()
    assert _refused(client, reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    assert _refused(client, add_url)
    assert _refused(client, reverse("wagtailadmin_pages:delete", args=[course.pk]))


def test_owner_can_add_lessons(client, trainer, course):
    client.force_login(trainer)
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    assert client.get(add_url).status_code == 200


def test_reviewer_can_edit_any_course(client, reviewer, course):
    client.force_login(reviewer)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code == 200
    assert course.permissions_for_user(reviewer).can_publish()


def test_learner_cannot_reach_the_editor(client, learner, course):
    client.force_login(learner)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code in {302, 403}
    assert not course.permissions_for_user(learner).can_edit()


def test_catalogue_permissions_come_from_the_data_migration():
    page = catalogue()

    def actions(role):
        return set(
            GroupPagePermission.objects.filter(group__name=role, page=page).values_list(
                "permission__codename", flat=True
            )
        )

    assert actions(Role.TRAINER) == {"add_page", "change_page"}
    assert "publish_page" in actions(Role.REVIEWER)
    trainer_group = Group.objects.get(name=Role.TRAINER)
    assert Permission.objects.filter(codename="access_admin", group=trainer_group).exists()


def test_course_review_workflow_is_assigned_to_the_catalogue():
    workflow = Workflow.objects.get(name="Revisión de cursos")
    assert workflow.active
    assert catalogue().get_workflow() == workflow
    course = make_course(title="Con flujo", lessons=0)
    assert course.get_workflow() == workflow
    tasks = [task.specific for task in workflow.tasks.all()]
    assert len(tasks) == 1
    assert list(tasks[0].groups.values_list("name", flat=True)) == [Role.REVIEWER]


def test_submit_for_moderation_then_reviewer_approves_and_publishes(trainer, reviewer):
    course = make_course(title="Para revisar", lessons=0, owners=[trainer], live=False)
    workflow = course.get_workflow()
    workflow.start(course, trainer)
    course.refresh_from_db()
    state = course.current_workflow_state
    assert state is not None and state.status == "in_progress"
    task_state = state.current_task_state
    assert not task_state.task.specific.user_can_access_editor(course, trainer)
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    course.refresh_from_db()
    assert course.live


def _selected_owners(html: str) -> list[str]:
    """The owners the editor's <select> sends back, as a browser would."""
    select = re.search(r'<select name="owners".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected>', select)


def test_trainer_who_saves_a_new_course_twice_still_owns_it(client, trainer):
    """Wagtail's autosave creates the page and turns the create form into the edit form; the
    second "Guardar borrador" posts the owners the create form showed."""
    client.force_login(trainer)
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue().pk))
    owners = _selected_owners(client.get(add_url).content.decode())
    assert owners == [str(trainer.pk)]
    data = {**_course_form_data(), "owners": owners}
    created = client.post(add_url, data, headers={"accept": "application/json"})
    assert created.json()["success"] is True
    course = CoursePage.objects.get(slug="proteccion-datos")
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert client.post(edit_url, data).status_code == 302
    draft = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert [owner.pk for owner in draft.owners.all()] == [trainer.pk]
    assert client.get(edit_url).status_code == 200


def test_trainer_cannot_drop_themselves_from_their_course(client, trainer, other_trainer):
    course = make_course(title="Propio", lessons=0, owners=[trainer], live=False)
    client.force_login(trainer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = {**_course_form_data(title="Propio", slug=course.slug), "owners": [other_trainer.pk]}
    assert client.post(edit_url, data).status_code == 302
    draft = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert sorted(owner.pk for owner in draft.owners.all()) == sorted(
        [trainer.pk, other_trainer.pk]
    )


def test_reviewer_may_replace_a_courses_owners(client, reviewer, trainer, other_trainer):
    course = make_course(title="Ajeno", lessons=0, owners=[trainer], live=False)
    client.force_login(reviewer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = {**_course_form_data(title="Ajeno", slug=course.slug), "owners": [other_trainer.pk]}
    assert client.post(edit_url, data).status_code == 302
    draft = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert [owner.pk for owner in draft.owners.all()] == [other_trainer.pk]


def test_owner_previews_a_course_with_prerequisites(client, trainer):
    basics = make_course(title="Fundamentos", lessons=0)
    course = make_course(title="Avanzado", lessons=1, owners=[trainer], live=False)
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[course.pk])
    data = {
        **_course_form_data(title="Avanzado", slug=course.slug),
        "owners": [trainer.pk],
        "prerequisites": [basics.pk],
    }
    assert client.post(url, data).json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    assert "Fundamentos" in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"title": "Lección sin cuerpo", "slug": "sin-cuerpo"}])
def test_a_lesson_edit_post_without_its_body_is_refused_with_a_form_error(
    client, trainer, course, data
):
    """An empty or truncated POST (no 'body-count') used to raise MultiValueDictKeyError."""
    lesson = LessonPage.objects.child_of(course).first() or course.add_child(
        instance=LessonPage(title="Lección 1", slug="leccion-1")
    )
    before = (lesson.title, list(lesson.body.raw_data), lesson.revisions.count())
    client.force_login(trainer)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "no llegó completo" in " ".join(str(e) for e in errors["body"].as_data()[0])
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert (lesson.title, list(lesson.body.raw_data), lesson.revisions.count()) == before
