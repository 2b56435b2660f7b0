"""Completed enrolments for the certificates tests; courses come from tests/factories.py."""

from itertools import count

from django.utils import timezone

from courses.models import CoursePage, Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete
from tests import factories
from tests.factories import catalogue as course_index  # noqa: F401 (re-exported)

_numbers = count(1)


def make_course(
    *, title: str | None = None, hours=8, validity_months=None, lessons=1
) -> CoursePage:
    return factories.make_course(
        title=title or f"Interoperabilidad y datos abiertos {next(_numbers)}",
        summary="Curso de prueba.",
        estimated_hours=hours,
        validity_months=validity_months,
        lessons=lessons,
    )


def complete_course(learner, course: CoursePage) -> Enrolment:
    """Enrol and complete every lesson through courses' services (sends course_completed)."""
    enrolment = enrolment_create(learner=learner, course=course)
    for lesson in LessonPage.objects.child_of(course):
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)
    return enrolment


def completed_enrolment(learner, course: CoursePage, *, completed_at=None) -> Enrolment:
    """A completed enrolment written directly (no signal): for tests that issue by hand."""
    return Enrolment.objects.create(
        learner=learner,
        course=course,
        status=Enrolment.Status.COMPLETED,
        progress_percent=100,
        completed_at=completed_at or timezone.now(),
    )
