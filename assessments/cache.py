"""The frozen definition of a quiz, cached: what starting, saving and submitting an attempt
read on every request of an exam (the quiz row, its fixed questions' current versions, whether
it draws random questions) without asking the database.

One version token (`BANK_VERSION_KEY`, core's versioned-key pattern) covers the whole bank: any
save or delete of a quiz, a slot, a question or a question version makes every cached
definition a miss, when it happens and again when its transaction commits. Exams run while
nobody edits, so the token is stable for hours; a trainer's edit costs one rebuild per quiz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from core.api import bump_cache_version, cache_version

from .models import Question, QuestionVersion, Quiz, QuizRandomSlot, QuizSlot

BANK_VERSION_KEY = "assessments:bank-version"
DEFINITION_PREFIX = "assessments:quiz-definition:"
DEFINITION_TIMEOUT = 6 * 60 * 60


@dataclass
class QuizDefinition:
    quiz: Quiz
    # The fixed slots' current versions, in slot order (random draws are made per attempt).
    fixed_versions: list[QuestionVersion]
    has_random_slots: bool
    versions_by_pk: dict[int, QuestionVersion] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.versions_by_pk = {v.pk: v for v in self.fixed_versions}


def _load(quiz_id: int) -> QuizDefinition:
    quiz = Quiz.objects.get(pk=quiz_id)
    slots = quiz.slots.select_related("question__current_version").order_by("sort_order", "pk")
    versions = [s.question.current_version for s in slots if s.question.current_version_id]
    return QuizDefinition(
        quiz=quiz,
        fixed_versions=versions,
        has_random_slots=QuizRandomSlot.objects.filter(quiz_id=quiz_id).exists(),
    )


def quiz_definition(quiz_id: int) -> QuizDefinition:
    """The quiz and its fixed questions' versions; raises Quiz.DoesNotExist."""
    key = f"{DEFINITION_PREFIX}{quiz_id}:{cache_version(key=BANK_VERSION_KEY)}"
    definition = cache.get(key)
    if definition is None:
        definition = _load(quiz_id)
        cache.set(key, definition, DEFINITION_TIMEOUT)
    return definition


def bank_changed(**_kwargs) -> None:
    bump_cache_version(key=BANK_VERSION_KEY)


def connect_receivers() -> None:
    for model in (Quiz, QuizSlot, QuizRandomSlot, Question, QuestionVersion):
        for signal in (post_save, post_delete):
            signal.connect(
                bank_changed,
                sender=model,
                dispatch_uid=f"assessments-bank-{model.__name__}-{signal is post_save}",
            )
