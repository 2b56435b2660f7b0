"""Where assessments asks courses about a quiz's course: the learner's current enrolment (with
their previous attempts, for a start), and re-evaluating the course's completion when a
required quiz is passed (courses.api)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Count, Max, OuterRef, Q, Subquery

from courses import api as courses_api

from .models import Attempt


@dataclass(frozen=True)
class StartHistory:
    """What starting an attempt needs to know about the learner, read in one query."""

    enrolled: bool
    open_uuid: UUID | None = None
    max_number: int = 0
    # Submitted attempts of the current enrolment cycle (recertification starts afresh).
    finished: int = 0
    last_submitted_at: datetime | None = None


def quiz_enrolment(*, quiz, user):
    """The learner's current enrolment cycle in the quiz's course (active or completed), else
    None. Attempts before it began do not count towards the maximum (recertification starts
    afresh)."""
    return courses_api.current_enrolment(user=user, course_id=quiz.course_id)


def start_history(*, quiz, user) -> StartHistory:
    """The learner's enrolment in the quiz's course and their attempts at the quiz, in one
    query (the enrolment row, the attempts as subqueries); a quiz outside any course (a
    trainer's preview) needs no enrolment."""
    attempts = Attempt.objects.filter(quiz_id=quiz.pk, learner_id=user.pk).order_by()
    open_uuid = attempts.filter(state=Attempt.State.IN_PROGRESS)
    max_number = attempts.order_by("-number").values("number")[:1]
    if not quiz.course_id:
        row = attempts.aggregate(
            max_number=Max("number"),
            finished=Count("pk", filter=Q(state=Attempt.State.SUBMITTED)),
            last=Max("submitted_at", filter=Q(state=Attempt.State.SUBMITTED)),
        )
        return StartHistory(
            enrolled=True,
            open_uuid=open_uuid.values_list("uuid", flat=True).first(),
            max_number=row["max_number"] or 0,
            finished=row["finished"] or 0,
            last_submitted_at=row["last"],
        )
    finished = attempts.filter(
        state=Attempt.State.SUBMITTED, started_at__gte=OuterRef("enrolled_at")
    ).values("learner_id")
    row = (
        courses_api.Enrolment.objects.filter(
            learner_id=user.pk,
            course_id=quiz.course_id,
            status__in=courses_api.OPEN_ENROLMENT_STATUSES,
        )
        .order_by("-cycle")
        .annotate(
            open_uuid=Subquery(open_uuid.values("uuid")[:1]),
            max_number=Subquery(max_number),
            finished=Subquery(finished.annotate(n=Count("pk")).values("n")),
            last_submitted_at=Subquery(finished.annotate(m=Max("submitted_at")).values("m")),
        )
        .values("open_uuid", "max_number", "finished", "last_submitted_at")
        .first()
    )
    if row is None:
        # Not enrolled: an open attempt of an earlier cycle is still theirs to finish.
        row = attempts.aggregate(max_number=Max("number"))
        return StartHistory(
            enrolled=False,
            open_uuid=open_uuid.values_list("uuid", flat=True).first(),
            max_number=row["max_number"] or 0,
        )
    return StartHistory(
        enrolled=True,
        open_uuid=row["open_uuid"],
        max_number=row["max_number"] or 0,
        finished=row["finished"] or 0,
        last_submitted_at=row["last_submitted_at"],
    )


def quiz_passed(*, attempt) -> None:
    """Called inside the submit (or regrade) transaction when an attempt passes: a required
    quiz may complete the course, so courses re-evaluates the learner's active enrolment
    (idempotently), locking that enrolment row only."""
    quiz = attempt.quiz
    if not (quiz.course_id and quiz.required_for_completion):
        return
    courses_api.completion_evaluate_active(learner_id=attempt.learner_id, course_id=quiz.course_id)
