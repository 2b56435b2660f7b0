import io

import pytest
from django.core.management import call_command

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", "--force", stdout=io.StringIO())


def test_demo_seeds_three_spanish_courses_and_is_idempotent():
    _seed()
    counts = (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        LessonProgress.objects.count(),
    )
    _seed()
    assert counts == (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        LessonProgress.objects.count(),
    )
    courses = CoursePage.objects.live()
    assert courses.count() >= 3
    for course in courses:
        assert course.url.startswith("/cursos/")
        assert course.owners.filter(email="capacitador@relevo.demo").exists()
        lessons = LessonPage.objects.child_of(course).live()
        assert lessons.count() >= 4
        for lesson in lessons:
            text = " ".join(str(block.value) for block in lesson.body)
            assert text.count("<p>") >= 3 or len(text) > 1200, lesson.title
            assert "lorem" not in text.lower()


def test_demo_learner_has_one_half_done_and_one_assigned_course():
    _seed()
    # Courses in progress; the certificates demo adds a completed third course.
    enrolments = Enrolment.objects.filter(
        learner__email="funcionario@relevo.demo", status=Enrolment.Status.ACTIVE
    )
    assert enrolments.count() == 2
    half = enrolments.get(source=Enrolment.Source.SELF)
    assert half.progress_percent == 50
    assigned = enrolments.get(source=Enrolment.Source.ASSIGNED)
    assert assigned.due_date is not None
    assert assigned.status == Enrolment.Status.ACTIVE

    # The demo's passed quiz counts for the half-done course: its last lessons complete it.
    from courses.selectors import course_lessons
    from courses.services import lesson_complete

    for lesson in course_lessons(half.course)[2:]:
        lesson_complete(enrolment=half, lesson=lesson, user=half.learner)
    half.refresh_from_db()
    assert half.status == Enrolment.Status.COMPLETED
