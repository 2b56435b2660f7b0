"""Assessments' public API: the only assessments module (with `assessments.hooks`) other apps
import.

Read models: `Quiz` and `Attempt` may be queried (read only) by the apps above; the grade of a
learner on a quiz is computed here, by the quiz's grading method.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from . import item_statistics, selectors
from .models import Attempt, Quiz

__all__ = [
    "Attempt",
    "AttemptState",
    "Quiz",
    "attempts_of",
    "final_quiz_grade",
    "quiz_grades",
    "quiz_item_flags",
]

AttemptState = Attempt.State


def final_quiz_grade(*, course_id: int, user, since: datetime | None = None) -> float | None:
    """The learner's grade on the course's final quiz (the required one, else its only quiz)."""
    quizzes = list(
        Quiz.objects.filter(course_id=course_id).order_by("-required_for_completion", "pk")[:2]
    )
    if not quizzes:
        return None
    if len(quizzes) > 1 and not quizzes[0].required_for_completion:
        return None  # several optional quizzes and no final exam: no single score to print
    return selectors.learner_quiz_grade(quiz=quizzes[0], user=user, since=since)


def attempts_of(*, user) -> QuerySet[Attempt]:
    """The learner's attempts, newest first, with their quiz loaded."""
    return Attempt.objects.filter(learner=user).select_related("quiz").order_by("-started_at")


def quiz_grades(*, quiz_id: int) -> dict[int, float]:
    """{learner id: grade (0-100)} on a quiz, by its grading method, submitted attempts only."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    return {} if quiz is None else selectors.quiz_grades(quiz=quiz)


def quiz_item_flags(*, quiz_id: int) -> list[dict]:
    """The quiz's questions with a flag (too easy, too hard, weak or negative discrimination):
    [{"title", "facility", "discrimination", "flags": [labels]}]; "too few attempts" alone is
    not a flag worth acting on and is left out."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return []
    _attempts, stats = item_statistics.quiz_item_statistics(quiz)
    return [
        {
            "title": stat.title,
            "facility": stat.facility,
            "discrimination": stat.discrimination,
            "flags": stat.flag_labels,
        }
        for stat in stats
        if set(stat.flags) - {"few"}
    ]
