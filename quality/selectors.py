"""Reads of the quality app: survey results (with the minimum group size), learning gain and
the results matrix from the stored monthly series."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments import api as assessments_api
from core.api import min_group_size
from courses import api as courses_api
from people import api as people_api

from .models import (
    GainDesign,
    Indicator,
    IndicatorValue,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)

TREND_MONTHS = 12


# --- surveys ---------------------------------------------------------------------------------


def pending_participations(*, user) -> list[SurveyParticipation]:
    return list(
        SurveyParticipation.objects.filter(user=user, state=SurveyParticipation.State.PENDING)
        .select_related("survey", "course")
        .order_by("invited_on", "pk")
    )


def pending_completion_survey(*, user, course_id: int) -> SurveyParticipation | None:
    """The learner's pending invitation to an active completion survey of a course."""
    return (
        SurveyParticipation.objects.filter(
            user=user,
            course_id=course_id,
            subject=0,
            state=SurveyParticipation.State.PENDING,
            survey__active=True,
            survey__audience=Survey.Audience.COMPLETION,
        )
        .order_by("pk")
        .first()
    )


def survey_url(participation: SurveyParticipation, *, next_url: str = "") -> str:
    """The page answering this invitation; `next_url`: where "done" leads (a local path)."""
    url = reverse("quality:survey_answer", args=[participation.survey_id])
    params = {}
    if participation.subject:
        params["sobre"] = participation.subject
    if next_url:
        params["siguiente"] = next_url
    return f"{url}?{urlencode(params)}" if params else url


def participation_for(*, survey: Survey, user, subject: int = 0) -> SurveyParticipation | None:
    return SurveyParticipation.objects.filter(
        lineage=survey.lineage, user=user, subject=subject
    ).first()


def lineage_responses(survey: Survey, course_id: int | None = None) -> QuerySet[SurveyResponse]:
    qs = SurveyResponse.objects.filter(survey__lineage=survey.lineage)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    return qs


@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    min_size: int
    questions: list[QuestionResult]

    @property
    def hidden(self) -> bool:
        """Below the minimum group size nothing but the fact is shown."""
        return self.responses < self.min_size


def survey_results(survey: Survey) -> SurveyResults:
    """Aggregates of one survey version's responses (3 queries); empty below the minimum group
    size, so that no small group's answers can be read."""
    k = min_group_size()
    responses = SurveyResponse.objects.filter(survey=survey).count()
    questions = list(survey.questions.all())
    results = [QuestionResult(question=q) for q in questions]
    if responses < k:
        return SurveyResults(survey=survey, responses=responses, min_size=k, questions=results)
    by_id = {r.question.pk: r for r in results}
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for qid, number, choices, text in SurveyAnswer.objects.filter(
        response__survey=survey
    ).values_list("question_id", "number", "choices", "text"):
        result = by_id[qid]
        result.count += 1
        if number is not None:
            counts[qid][number] += 1
        for index in choices or []:
            counts[qid][index] += 1
        if text:
            result.texts.append(text)
    for result in results:
        q = result.question
        per = counts[q.pk]
        if q.kind == SurveyQuestion.Kind.LIKERT:
            result.distribution = [(str(n), per.get(n, 0)) for n in range(1, 6)]
            total = sum(per.values())
            result.mean = round(sum(n * c for n, c in per.items()) / total, 2) if total else None
        elif q.kind in (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE):
            result.distribution = [(label, per.get(i, 0)) for i, label in enumerate(q.choice_list)]
        result.texts.sort()  # not in answer order: the order would follow the respondents
    return SurveyResults(survey=survey, responses=responses, min_size=k, questions=results)


def survey_csv_rows(survey: Survey):
    """One row per response: the day and each answer, no person (for the anonymous CSV)."""
    questions = list(survey.questions.all())
    answers: dict[int, dict[int, SurveyAnswer]] = defaultdict(dict)
    responses = list(
        SurveyResponse.objects.filter(survey=survey)
        .order_by("answered_on", "pk")
        .values_list("pk", "answered_on")
    )
    for answer in SurveyAnswer.objects.filter(response__survey=survey):
        answers[answer.response_id][answer.question_id] = answer
    for pk, day in responses:
        row = [day.isoformat()]
        for q in questions:
            a = answers[pk].get(q.pk)
            if a is None:
                row.append("")
            elif q.kind == SurveyQuestion.Kind.LIKERT:
                row.append(a.number)
            elif q.kind == SurveyQuestion.Kind.SINGLE:
                row.append(_choice(q, a.number))
            elif q.kind == SurveyQuestion.Kind.MULTIPLE:
                row.append("; ".join(_choice(q, i) for i in a.choices))
            else:
                row.append(a.text)
        yield row


def _choice(question: SurveyQuestion, index) -> str:
    choices = question.choice_list
    return choices[index] if index is not None and 0 <= index < len(choices) else ""


def mean_satisfaction(
    *, course_id: int | None = None, until: date | None = None
) -> tuple[float | None, int]:
    """(mean of the Likert answers of completion surveys, responses counted) up to a day."""
    answers = SurveyAnswer.objects.filter(
        question__kind=SurveyQuestion.Kind.LIKERT,
        response__survey__audience=Survey.Audience.COMPLETION,
        number__isnull=False,
    )
    if course_id is not None:
        answers = answers.filter(response__course_id=course_id)
    if until is not None:
        answers = answers.filter(response__answered_on__lte=until)
    row = answers.aggregate(mean=Avg("number"), n=Count("response_id", distinct=True))
    return row["mean"], row["n"]


def low_rated_lessons(*, course_id: int, below: float = 3.5) -> list[dict]:
    """Lessons whose Likert questions average below `below`, with enough responses."""
    k = min_group_size()
    rows = (
        SurveyAnswer.objects.filter(
            response__course_id=course_id,
            question__lesson__isnull=False,
            question__kind=SurveyQuestion.Kind.LIKERT,
            number__isnull=False,
        )
        .values("question__lesson_id", "question__lesson__title")
        .annotate(mean=Avg("number"), n=Count("pk"))
        .order_by("mean")
    )
    return [
        {"title": r["question__lesson__title"], "mean": round(r["mean"], 2), "n": r["n"]}
        for r in rows
        if r["n"] >= k and r["mean"] < below
    ]


# --- learning gain ---------------------------------------------------------------------------


def normalised_gain(pre: float, post: float) -> float | None:
    """Hake's normalised gain (post - pre) / (100 - pre); undefined for a perfect pre-test."""
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


@dataclass
class GainReport:
    course_id: int
    mean: float | None
    learners: int
    by_cohort: list[tuple[str, float | None, int]]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def learner_gains(design: GainDesign) -> dict[int, float]:
    """{learner id: normalised gain} of those who took both tests (two queries)."""
    pre = assessments_api.quiz_grades(quiz_id=design.pre_quiz_id)
    post = assessments_api.quiz_grades(quiz_id=design.post_quiz_id)
    gains = {}
    for learner_id, before in pre.items():
        if learner_id in post:
            g = normalised_gain(float(before), float(post[learner_id]))
            if g is not None:
                gains[learner_id] = g
    return gains


def course_gain(
    *,
    design: GainDesign,
    learner_ids: set[int] | None = None,
    all_gains: dict[int, float] | None = None,
    with_cohorts: bool = True,
) -> GainReport:
    """Mean normalised gain of the learners who took both tests, overall and per cohort (the
    month they enrolled), limited to some learners (a unit) if given."""
    everyone = learner_gains(design) if all_gains is None else all_gains
    gains = {
        learner_id: g
        for learner_id, g in everyone.items()
        if learner_ids is None or learner_id in learner_ids
    }
    cohorts: dict[str, list[float]] = defaultdict(list)
    if gains and with_cohorts:
        for learner_id, enrolled_at in courses_api.Enrolment.objects.filter(
            course_id=design.course_id, learner_id__in=list(gains)
        ).values_list("learner_id", "enrolled_at"):
            cohorts[timezone.localtime(enrolled_at).strftime("%Y-%m")].append(gains[learner_id])
    return GainReport(
        course_id=design.course_id,
        mean=_mean(list(gains.values())),
        learners=len(gains),
        by_cohort=[(c, _mean(v), len(v)) for c, v in sorted(cohorts.items())],
    )


# --- the results matrix ----------------------------------------------------------------------


@dataclass
class MatrixRow:
    indicator: Indicator
    series: list[IndicatorValue]
    months: list[date]

    @property
    def current(self) -> IndicatorValue | None:
        for value in reversed(self.series):
            if value.value is not None:
                return value
        return None

    @property
    def current_value(self) -> float | None:
        current = self.current
        return None if current is None else current.value

    @property
    def light(self) -> str:
        """green: on track for the target by its date; amber: behind; red: far behind or
        worse than the baseline; none: no value yet."""
        current = self.current_value
        ind = self.indicator
        if current is None:
            return "none"
        baseline, target = float(ind.baseline), float(ind.target)
        sign = 1 if ind.higher_is_better else -1
        if sign * (current - target) >= 0:
            return "green"
        if sign * (current - baseline) < 0 or target == baseline:
            return "red"
        progress = (current - baseline) / (target - baseline)
        span = (ind.target_date - ind.baseline_date).days or 1
        elapsed = min(max((timezone.localdate() - ind.baseline_date).days / span, 0.0), 1.0)
        if progress >= elapsed * 0.9:
            return "green"
        if progress >= elapsed * 0.5:
            return "amber"
        return "red"

    @property
    def sparkline(self) -> str:
        """SVG polyline points of the stored months (width 120, height 30)."""
        points = [(i, v.value) for i, v in enumerate(self.series) if v.value is not None]
        if len(points) < 2:
            return ""
        values = [v for _i, v in points]
        low, high = min(values), max(values)
        spread = (high - low) or 1.0
        step = 120 / max(len(self.months) - 1, 1)
        index = {m: i for i, m in enumerate(self.months)}
        coords = []
        for value in self.series:
            if value.value is None:
                continue
            x = index.get(value.period, 0) * step
            y = 28 - (value.value - low) / spread * 26
            coords.append(f"{x:.1f},{y:.1f}")
        return " ".join(coords)


def matrix_months(today: date | None = None) -> list[date]:
    first = (today or timezone.localdate()).replace(day=1)
    return [first - relativedelta(months=n) for n in range(TREND_MONTHS - 1, -1, -1)]


def results_matrix(*, unit_id: int | None) -> list[MatrixRow]:
    """Every indicator with its last twelve stored months for the institution (unit None) or a
    unit: two queries, whatever the number of staff."""
    months = matrix_months()
    indicators = list(Indicator.objects.select_related("owner"))
    values = defaultdict(list)
    for value in IndicatorValue.objects.filter(
        indicator__in=indicators,
        period__gte=months[0],
        **({"unit__isnull": True} if unit_id is None else {"unit_id": unit_id}),
    ).order_by("period"):
        values[value.indicator_id].append(value)
    return [MatrixRow(indicator=i, series=values[i.pk], months=months) for i in indicators]


def indicator_series(*, indicator: Indicator, unit_id: int | None) -> list[IndicatorValue]:
    qs = IndicatorValue.objects.filter(indicator=indicator).select_related("entered_by")
    qs = qs.filter(unit__isnull=True) if unit_id is None else qs.filter(unit_id=unit_id)
    return list(qs.order_by("-period"))


def open_data_rows() -> list[dict]:
    """The institution's latest value of each indicator, for the open-data export: computed
    values over fewer people than the minimum group size are left out."""
    k = min_group_size()
    rows = []
    latest = {}
    for value in IndicatorValue.objects.filter(unit__isnull=True).order_by("period"):
        latest[value.indicator_id] = value
    for indicator in Indicator.objects.all():
        value = latest.get(indicator.pk)
        small = value is not None and value.denominator is not None and value.denominator < k
        rows.append(
            {
                "indicator": indicator.name,
                "unit_of_measure": indicator.measure,
                "baseline": float(indicator.baseline),
                "baseline_date": indicator.baseline_date.isoformat(),
                "target": float(indicator.target),
                "target_date": indicator.target_date.isoformat(),
                "period": value.period.isoformat() if value else "",
                "value": None if value is None or small else value.value,
            }
        )
    return rows


def has_responses(survey: Survey) -> bool:
    return SurveyResponse.objects.filter(survey=survey).exists()


def participation_counts(survey: Survey) -> dict:
    counts = SurveyParticipation.objects.filter(lineage=survey.lineage).aggregate(
        answered=Count("pk", filter=Q(state=SurveyParticipation.State.ANSWERED)),
        skipped=Count("pk", filter=Q(state=SurveyParticipation.State.SKIPPED)),
        pending=Count("pk", filter=Q(state=SurveyParticipation.State.PENDING)),
    )
    # Answered is the responses of every version: a response recorded without a participation
    # (the demo's, an older import) showed "6 to this version" beside "0 answered".
    responses = SurveyResponse.objects.filter(survey__lineage=survey.lineage).count()
    counts["answered"] = max(counts["answered"], responses)
    return counts


# --- learning gain per unit ------------------------------------------------------------------


@dataclass
class UnitGain:
    """One row of the per-unit gain page; every figure None when `hidden`."""

    unit: object | None  # an OrgUnit, or None for the institution
    learners: int
    hidden: bool
    mean_pre: float | None = None
    mean_post: float | None = None
    mean_gain: float | None = None


def _unit_gain(unit, pairs: list[tuple[float, float, float]], k: int) -> UnitGain:
    n = len(pairs)
    if n < k:
        return UnitGain(unit=unit, learners=n, hidden=True)
    return UnitGain(
        unit=unit,
        learners=n,
        hidden=False,
        mean_pre=round(sum(p[0] for p in pairs) / n, 1),
        mean_post=round(sum(p[1] for p in pairs) / n, 1),
        mean_gain=round(sum(p[2] for p in pairs) / n, 3),
    )


def gain_by_unit(
    *, design: GainDesign, units: list, with_institution: bool
) -> tuple[UnitGain | None, list[UnitGain]]:
    """The mean pre-test, post-test and normalised gain of the learners who took both tests,
    for the institution and for each of `units` (a unit counts the people working today in
    its subtree); a group smaller than the minimum group size shows only its size.

    Three queries whatever the number of staff or units: the two tests' grades and the
    current unit of the learners who took both."""
    k = min_group_size()
    pre = assessments_api.quiz_grades(quiz_id=design.pre_quiz_id)
    post = assessments_api.quiz_grades(quiz_id=design.post_quiz_id)
    pairs: dict[int, tuple[float, float, float]] = {}
    for learner_id, before in pre.items():
        if learner_id in post:
            g = normalised_gain(float(before), float(post[learner_id]))
            if g is not None:
                pairs[learner_id] = (float(before), float(post[learner_id]), g)
    by_path: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    wanted = {unit.path for unit in units}
    if pairs and wanted:
        steplen = people_api.OrgUnit.steplen
        for learner_id, path in (
            people_api.active_staff()
            .filter(user_id__in=list(pairs))
            .values_list("user_id", "unit__path")
        ):
            if not path:
                continue
            # Counted in its own unit and every unit above it that is shown.
            for end in range(steplen, len(path) + 1, steplen):
                prefix = path[:end]
                if prefix in wanted:
                    by_path[prefix].append(pairs[learner_id])
    institution = _unit_gain(None, list(pairs.values()), k) if with_institution else None
    return institution, [_unit_gain(unit, by_path[unit.path], k) for unit in units]
