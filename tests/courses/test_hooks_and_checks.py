"""The registries courses offers are checked at start-up, and the owners of a course move
through courses' own API (a knowledge-base handover), on the live page and its revisions."""

import pytest
from django.core.checks import Error, Warning
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core import checks as core_checks
from core import hooks as core_hooks
from core.roles import Role
from courses import api as courses_api
from courses import checks, hooks
from courses.models import CoursePage

from .factories import make_course


def test_every_registry_is_filled_by_the_installed_apps():
    assert checks.completion_requirements_registered() == []
    assert checks.page_providers_registered() == []
    assert core_checks.page_behaviours_registered() == []


def test_start_up_fails_without_the_completion_requirement(monkeypatch):
    monkeypatch.setattr(hooks, "_requirements", {})
    [message] = checks.completion_requirements_registered()
    assert isinstance(message, Error) and message.id == "courses.E001"
    assert "without their quizzes" in message.hint
    with pytest.raises(SystemCheckError, match=r"courses\.E001"):
        call_command("check")


def test_missing_page_providers_only_warn(monkeypatch):
    monkeypatch.setattr(hooks, "_course_related", [])
    monkeypatch.setattr(hooks, "_my_learning_panels", [])
    messages = checks.page_providers_registered()
    assert [m.id for m in messages] == ["courses.W001", "courses.W002"]
    assert all(isinstance(m, Warning) for m in messages)


def test_a_page_class_without_its_behaviour_fails_at_start_up(monkeypatch):
    registered = dict(core_hooks._page_behaviours)
    registered.pop(CoursePage)
    monkeypatch.setattr(core_hooks, "_page_behaviours", registered)
    [message] = core_checks.page_behaviours_registered()
    assert message.id == "core.E001" and message.obj is CoursePage


@pytest.mark.django_db
def test_course_owners_replace_moves_the_live_page_and_its_revisions(make_user):
    leaving, kept, successor = (make_user(Role.TRAINER) for _ in range(3))
    course = make_course(title="Apostilla", lessons=1, owners=[leaving, kept])
    draft = CoursePage.objects.get(pk=course.pk)
    draft.summary = "Borrador sin publicar"
    draft.save_revision()  # the latest revision is now a draft, the live one is older

    courses_api.course_owners_replace(
        course_id=course.pk, old_user_id=leaving.pk, new_user_id=successor.pk
    )

    page = CoursePage.objects.get(pk=course.pk)
    assert set(page.owners.all()) == {kept, successor}
    assert page.latest_revision_id != page.live_revision_id
    for revision in (page.latest_revision, page.live_revision):
        assert set(revision.as_object().owners.all()) == {kept, successor}
    assert page.get_latest_revision_as_object().summary == "Borrador sin publicar"


@pytest.mark.django_db
def test_course_owners_replace_when_the_successor_already_owns_it(make_user):
    leaving, successor = make_user(Role.TRAINER), make_user(Role.TRAINER)
    course = make_course(title="Quipux", lessons=1, owners=[leaving, successor])

    courses_api.course_owners_replace(
        course_id=course.pk, old_user_id=leaving.pk, new_user_id=successor.pk
    )

    page = CoursePage.objects.get(pk=course.pk)
    assert list(page.owners.all()) == [successor]
    assert list(page.get_latest_revision_as_object().owners.all()) == [successor]
