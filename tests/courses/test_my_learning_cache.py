"""Mi aprendizaje is rendered once per learner and kept until something it shows changes:
each test warms the cache, changes one thing through the app's own code path, and expects the
page to show it at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete, lesson_visit

from .factories import make_course

pytestmark = pytest.mark.django_db
URL = "/mi-aprendizaje/"


def page(client) -> str:
    return client.get(URL).content.decode()


def test_a_warm_visit_reads_nothing_but_the_signed_in_user(
    client, learner, django_assert_max_num_queries
):
    for i in range(3):
        enrolment_create(learner=learner, course=make_course(title=f"Curso {i}", lessons=2))
    client.force_login(learner)
    page(client)
    with django_assert_max_num_queries(2):  # session and user; roles and content from cache
        assert "Curso 2" in page(client)


def test_enrolment_progress_and_resume_point_show_at_once(client, learner):
    course = make_course(title="Curso en marcha", lessons=2)
    client.force_login(learner)
    assert "Curso en marcha" not in page(client)
    enrolment = enrolment_create(learner=learner, course=course)
    assert "Curso en marcha" in page(client)
    first, second = LessonPage.objects.child_of(course).order_by("path")
    lesson_complete(enrolment=enrolment, lesson=first, user=learner)
    assert 'value="50"' in page(client) or "50%" in page(client)
    lesson_visit(enrolment=Enrolment.objects.get(pk=enrolment.pk), lesson=second)
    assert second.url in page(client)  # "continue where you left off" follows the learner


def test_a_renamed_course_and_an_other_language(client, learner):
    course = make_course(title="Nombre viejo", lessons=1)
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    assert "Mi aprendizaje" in page(client)
    course.title = "Nombre nuevo"
    course.save_revision().publish()
    assert "Nombre nuevo" in page(client)
    learner.language = "en"
    learner.save(update_fields=["language"])
    assert "My learning" in page(client)


def test_due_dates_turn_overdue_the_next_day(client, learner, monkeypatch):
    today = timezone.localdate()
    enrolment_create(
        learner=learner,
        course=make_course(title="Curso asignado", lessons=1),
        source=Enrolment.Source.ASSIGNED,
        due_date=today,
    )
    client.force_login(learner)
    assert "Debía completarse" not in page(client)
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Debía completarse" in page(client)


def test_each_learner_sees_only_their_own(client, learner, make_user):
    from core.roles import Role

    enrolment_create(learner=learner, course=make_course(title="Solo mío", lessons=1))
    client.force_login(learner)
    assert "Solo mío" in page(client)
    client.force_login(make_user(Role.LEARNER))
    assert "Solo mío" not in page(client)


def test_a_submitted_attempt_and_a_renamed_quiz_show_at_once(client, learner):
    from assessments.services import attempt_start, attempt_submit
    from tests.assessments.factories import quiz_with_questions

    course = make_course(title="Curso con evaluación", lessons=1)
    enrolment_create(learner=learner, course=course)
    quiz = quiz_with_questions(n=1, course=course, title="Evaluación final")
    client.force_login(learner)
    assert "Evaluación final" in page(client)
    attempt = attempt_start(quiz_id=quiz.pk, user=learner)
    assert "En curso" in page(client)
    attempt_submit(attempt_uuid=attempt.uuid, user=learner)
    assert "0%" in page(client)
    quiz.title = "Evaluación renombrada"
    quiz.save()
    assert "Evaluación renombrada" in page(client)


def test_an_issued_certificate_shows_at_once(client, learner):
    from certificates.services import certificate_issue
    from tests.certificates.factories import completed_enrolment

    course = make_course(title="Curso certificado", lessons=1)
    client.force_login(learner)
    before = page(client)
    enrolment = completed_enrolment(learner, course)
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    after = page(client)
    assert certificate.code not in before and certificate.code in after
