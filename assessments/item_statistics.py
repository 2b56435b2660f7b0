"""Item statistics as Moodle's quiz statistics report gives them, computed with aggregates.

Per question, over submitted attempts: the facility index (mean score, %), the discrimination
index (Pearson correlation between the question's score and the rest of the attempt's score,
x100) and counts per choice or response. Three queries whatever the number of attempts: the
sums needed for the correlation grouped by question, the response counts grouped by question
and response, and the question versions for labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from . import grading
from .models import Attempt, AttemptAnswer, QuestionVersion, Quiz

TOO_EASY = 90.0
TOO_HARD = 20.0
WEAK_DISCRIMINATION = 20.0
MIN_RESPONSES = 10
TOP_TEXT_RESPONSES = 10

FLAG_LABELS = {
    "too_easy": _("Too easy"),
    "too_hard": _("Too hard"),
    "negative": _("Negative discrimination"),
    "weak": _("Weak discrimination"),
    "few": _("Too few attempts to judge"),
}


@dataclass
class ResponseCount:
    label: str
    count: int
    correct: bool | None = None

    def percent(self, total: int) -> float:
        return round(100 * self.count / total, 1) if total else 0.0


@dataclass
class ItemStatistic:
    question_id: int
    title: str
    qtype: str
    attempts: int
    facility: float | None
    discrimination: float | None
    responses: list[ResponseCount] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


def _pearson(n, sx, sxx, sy, syy, sxy) -> float | None:
    if not n or n < 2:
        return None
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


def _flags(facility, discrimination, n) -> list[str]:
    flags = []
    if facility is not None and facility >= TOO_EASY:
        flags.append("too_easy")
    if facility is not None and facility <= TOO_HARD:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        flags.append("weak")
    if n < MIN_RESPONSES:
        flags.append("few")
    return flags


def quiz_item_statistics(quiz: Quiz) -> tuple[int, list[ItemStatistic]]:
    """(number of submitted attempts, one ItemStatistic per question in the quiz's attempts)."""
    answers = AttemptAnswer.objects.filter(
        attempt__quiz=quiz, attempt__state=Attempt.State.SUBMITTED
    )
    x = Cast(F("fraction"), FloatField())
    rest = Cast(F("attempt__points"), FloatField()) - Cast(F("points"), FloatField())
    sums = (
        answers.values("version__question_id")
        .annotate(
            n=Count("pk"),
            sx=Sum(x),
            sxx=Sum(x * x),
            sy=Sum(rest),
            syy=Sum(rest * rest),
            sxy=Sum(x * rest),
        )
        .order_by("version__question_id")
    )
    counts = answers.values("version__question_id", "response_key").annotate(n=Count("pk"))
    rows = list(sums)
    question_ids = [row["version__question_id"] for row in rows]
    latest_versions: dict[int, QuestionVersion] = {}
    for version in (
        QuestionVersion.objects.filter(question_id__in=question_ids, answers__attempt__quiz=quiz)
        .select_related("question")
        .distinct()
        .order_by("question_id", "number")
    ):
        latest_versions[version.question_id] = version  # the highest number wins

    by_question: dict[int, dict[str, int]] = {}
    for row in counts:
        by_question.setdefault(row["version__question_id"], {})[row["response_key"]] = row["n"]

    statistics = []
    for row in rows:
        question_id = row["version__question_id"]
        version = latest_versions[question_id]
        n = row["n"]
        facility = round(100 * (row["sx"] or 0) / n, 1) if n else None
        r = _pearson(
            n, row["sx"] or 0, row["sxx"] or 0, row["sy"] or 0, row["syy"] or 0, row["sxy"] or 0
        )
        discrimination = round(100 * r, 1) if r is not None else None
        statistics.append(
            ItemStatistic(
                question_id=question_id,
                title=version.question.title,
                qtype=version.qtype,
                attempts=n,
                facility=facility,
                discrimination=discrimination,
                responses=_response_counts(version, by_question.get(question_id, {})),
                flags=_flags(facility, discrimination, n),
            )
        )
    attempts = Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED).count()
    return attempts, statistics


def _response_counts(version: QuestionVersion, keys: dict[str, int]) -> list[ResponseCount]:
    unanswered = keys.get("", 0)
    data = version.data
    if version.qtype in grading.CHOICE_TYPES:
        per_choice = {c["id"]: 0 for c in data["choices"]}
        for key, n in keys.items():
            for choice_id in key.strip("|").split("|"):
                if choice_id in per_choice:
                    per_choice[choice_id] += n
        result = [
            ResponseCount(
                label=c["text"], count=per_choice[c["id"]], correct=float(c["fraction"]) > 0
            )
            for c in data["choices"]
        ]
    elif version.qtype == grading.TRUEFALSE:
        result = [
            ResponseCount(
                label=str(_("True")), count=keys.get("|true|", 0), correct=data["answer"] is True
            ),
            ResponseCount(
                label=str(_("False")), count=keys.get("|false|", 0), correct=data["answer"] is False
            ),
        ]
    elif version.qtype in (grading.SHORT, grading.NUMERIC):
        top = sorted(((k, n) for k, n in keys.items() if k), key=lambda kv: -kv[1])[
            :TOP_TEXT_RESPONSES
        ]
        result = [
            ResponseCount(
                label=key,
                count=n,
                correct=grading.grade(version.qtype, data, {"text": key}).fraction >= 1,
            )
            for key, n in top
        ]
    else:
        full = sum(n for key, n in keys.items() if key and _matching_full(data, key))
        partial = sum(n for key, n in keys.items() if key) - full
        result = [
            ResponseCount(label=str(_("All pairs right")), count=full, correct=True),
            ResponseCount(label=str(_("Some pairs wrong")), count=partial, correct=False),
        ]
    result.append(ResponseCount(label=str(_("No answer")), count=unanswered))
    return result


def _matching_full(data: dict, key: str) -> bool:
    pairs = dict(part.split("=", 1) for part in key.strip("|").split("|") if "=" in part)
    try:
        return grading.grade(grading.MATCHING, data, {"pairs": pairs}).fraction >= 1
    except (IndexError, ValueError):  # a response to an older, incompatible version
        return False
