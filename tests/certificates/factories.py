"""Course trees and completed enrolments for the certificates tests (courses' own factories
are not on main yet; these use courses' public services)."""

from itertools import count

from django.utils import timezone

from core.models import HomePage
from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete

_numbers = count(1)


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        index = home.add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
    return index


def make_course(
    *, title: str | None = None, hours=8, validity_months=None, lessons=1
) -> CoursePage:
    n = next(_numbers)
    course = course_index().add_child(
        instance=CoursePage(
            title=title or f"Interoperabilidad y datos abiertos {n}",
            slug=f"curso-{n}",
            summary="Curso de prueba.",
            estimated_hours=hours,
            validity_months=validity_months,
            completion_rule=CoursePage.CompletionRule.ALL_LESSONS,
        )
    )
    for i in range(lessons):
        course.add_child(instance=LessonPage(title=f"Lección {i + 1}", slug=f"leccion-{i + 1}"))
    return course


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
