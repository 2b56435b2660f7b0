"""Where assessments meets courses: who may attempt a quiz, and what passing one triggers."""

from __future__ import annotations


def check_can_attempt(*, quiz, user) -> None:
    """Raise QuizUnavailable when the learner may not attempt the quiz (e.g. not enrolled)."""


def quiz_passed(*, attempt) -> None:
    """Called inside the submit transaction when an attempt passes."""
