"""Courses' public API: the only courses module (with `courses.hooks`) other apps import.

Read models: other apps may query `CoursePage`, `LessonPage`, `Enrolment` and
`LessonProgress` (read only) and compare with the TextChoices below; every write goes through
the functions here, which call courses' services (each one transaction).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from . import cache, rules, selectors, services
from .models import CoursePage, Enrolment, LessonPage, LessonProgress

__all__ = [
    "OPEN_ENROLMENT_STATUSES",
    "CourseCompletionRule",
    "CoursePage",
    "CourseVisibility",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "LessonPage",
    "LessonProgress",
    "bump_content_version",
    "bump_learner_version",
    "completion_counts",
    "completion_evaluate",
    "completion_evaluate_active",
    "course_owners_replace",
    "course_ownerships",
    "current_enrolment",
    "enrolled_course_ids",
    "enrolment_create",
    "is_course_owner",
    "learner_changed",
    "live_courses",
    "owned_course_ids",
    "owned_courses",
]

EnrolmentStatus = Enrolment.Status
EnrolmentSource = Enrolment.Source
CourseVisibility = CoursePage.Visibility
CourseCompletionRule = CoursePage.CompletionRule
# An enrolment that still counts: in progress, or completed (for review and quizzes).
OPEN_ENROLMENT_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def live_courses() -> QuerySet[CoursePage]:
    """Every published course (no visibility filter: callers decide who sees them)."""
    return CoursePage.objects.live()


def enrolment_create(
    *,
    learner,
    course: CoursePage,
    source: str = EnrolmentSource.SELF,
    due_date: date | None = None,
    assigned_by=None,
    check_prerequisites: bool = True,
) -> Enrolment:
    """Enrol a learner, or return their active enrolment (an assignment updates its due date)."""
    return services.enrolment_create(
        learner=learner,
        course=course,
        source=source,
        due_date=due_date,
        assigned_by=assigned_by,
        check_prerequisites=check_prerequisites,
    )


def completion_evaluate(*, enrolment_id: int) -> Enrolment:
    """Recompute an enrolment's progress and record its completion once the rule is met."""
    return services.completion_evaluate(enrolment_id=enrolment_id)


def completion_evaluate_active(*, learner_id: int, course_id: int) -> Enrolment | None:
    """`completion_evaluate` of the learner's active enrolment in the course, if any (one
    query finds and locks it: a submit that passes a required quiz calls this)."""
    return services.completion_evaluate_active(learner_id=learner_id, course_id=course_id)


def course_owners_replace(*, course_id: int, old_user_id: int, new_user_id: int) -> None:
    """Hand a course from one owner to another, on the live page and its revisions."""
    services.course_owners_replace(
        course_id=course_id, old_user_id=old_user_id, new_user_id=new_user_id
    )


def current_enrolment(
    *, user, course_id: int, statuses=OPEN_ENROLMENT_STATUSES
) -> Enrolment | None:
    """The learner's latest enrolment cycle in the course among `statuses`, else None."""
    return selectors.current_enrolment(user=user, course_id=course_id, statuses=statuses)


def enrolled_course_ids(*, user) -> QuerySet:
    """The ids of the courses the user is enrolled in (active or completed), as a subquery."""
    return selectors.enrolled_course_ids(user=user)


def is_course_owner(*, user, course: CoursePage) -> bool:
    """True when the user owns (authors or trains) the course."""
    return rules.is_course_owner(user, course)


def bump_content_version(**_kwargs) -> None:
    """Course content changed: cached catalogue, course and lesson pages are stale (a receiver)."""
    cache.bump_content_version()


def bump_learner_version(*, user_id: int | None) -> None:
    """Something a learner's own pages ("Mi aprendizaje") show changed."""
    cache.bump_learner_version(user_id)


def learner_changed(sender, instance, **kwargs) -> None:
    """A receiver for rows shown on a learner's own pages (it reads `learner_id`)."""
    cache.learner_changed(sender, instance, **kwargs)


def owned_courses(*, user) -> QuerySet[CoursePage]:
    """The courses (published or not) the user owns, by title; administrators: every course."""
    return selectors.owned_courses(user)


def course_ownerships(*, user_id: int, course_id) -> QuerySet:
    """The user's ownership rows of a course (`course_id` may be an OuterRef: for EXISTS)."""
    return CoursePage.owners.through.objects.filter(coursepage_id=course_id, user_id=user_id)


def owned_course_ids(*, user_id: int) -> list[int]:
    """The ids of every course (published or not) the user owns."""
    return list(CoursePage.objects.filter(owners=user_id).values_list("pk", flat=True))


def completion_counts(
    *, course_id: int | None = None, learner_ids=None, until: datetime | None = None
) -> tuple[int, int]:
    """(completed, enrolled) enrolment cycles, of one course or all, of some learners (ids or a
    subquery) or all, as they stood at `until` (default now)."""
    return selectors.completion_counts(course_id=course_id, learner_ids=learner_ids, until=until)
