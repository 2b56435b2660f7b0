"""Assessments' public API: the only assessments module (with `assessments.hooks`) other apps
import.

Read models: `Quiz` and `Attempt` may be queried (read only) by the apps above; the grade of a
learner on a quiz is computed here, by the quiz's grading method.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from . import selectors
from .models import Attempt, Quiz

__all__ = ["Attempt", "AttemptState", "Quiz", "attempts_of", "final_quiz_grade"]

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
