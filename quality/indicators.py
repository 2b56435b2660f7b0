"""The computed indicators: each from the project's own data through the other apps' APIs,
for the institution and for each unit down to `UNIT_DEPTH` (the results matrix's pages).
The daily job stores the current month's value; re-running it replaces that month's value."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.api import min_group_size
from courses import api as courses_api
from knowledge_base import api as knowledge_base_api
from people import api as people_api

from . import selectors, services
from .models import GainDesign, Indicator

UNIT_DEPTH = 2  # the institution's units and their direct subunits get their own matrix
INSTITUTION_ONLY = {Indicator.Source.BUS_FACTOR, Indicator.Source.REVIEWED}


def _percent(numerator: float, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def compute(
    indicator: Indicator, *, unit_id: int | None, on: date, gains: dict | None = None
) -> tuple[float | None, float | None, int | None]:
    """(value, numerator, denominator) of a computed indicator at the end of `on`. `gains`:
    a per-run cache of each gain design's learner gains (read once, not once per unit)."""
    gains = {} if gains is None else gains
    source = indicator.source
    if source == Indicator.Source.CERTIFIED:
        if indicator.requirement_id is None:
            return None, None, None
        held, total = people_api.requirement_coverage(
            requirement_id=indicator.requirement_id, unit_id=unit_id, on=on
        )
        return _percent(held, total), held, total
    if source == Indicator.Source.COMPLETION:
        learners = None if unit_id is None else people_api.unit_staff_user_ids(unit_id=unit_id)
        done, enrolled = courses_api.completion_counts(
            course_id=indicator.course_id, learner_ids=learners, until=_end_of(on)
        )
        return _percent(done, enrolled), done, enrolled
    if source == Indicator.Source.SATISFACTION:
        if unit_id is not None:  # anonymous responses carry no unit
            return None, None, None
        mean, n = selectors.mean_satisfaction(course_id=indicator.course_id, until=on)
        if n < min_group_size():
            return None, None, n
        return round(mean, 2), round(mean * n, 2), n
    if source == Indicator.Source.GAIN:
        designs = GainDesign.objects.all()
        if indicator.course_id:
            designs = designs.filter(course_id=indicator.course_id)
        learners = (
            None
            if unit_id is None
            else set(
                people_api.unit_staff_user_ids(unit_id=unit_id).values_list("user_id", flat=True)
            )
        )
        total, count = 0.0, 0
        for design in designs:
            if design.pk not in gains:
                gains[design.pk] = selectors.learner_gains(design)
            report = selectors.course_gain(
                design=design, learner_ids=learners, all_gains=gains[design.pk], with_cohorts=False
            )
            if report.mean is not None:
                total += report.mean * report.learners
                count += report.learners
        if not count:
            return None, None, 0
        return round(total / count, 3), round(total, 3), count
    if source == Indicator.Source.BUS_FACTOR:
        covered, systems = knowledge_base_api.critical_systems_covered(on=on)
        return _percent(covered, systems), covered, systems
    if source == Indicator.Source.REVIEWED:
        on_time, articles = knowledge_base_api.articles_reviewed_on_time(on=on)
        return _percent(on_time, articles), on_time, articles
    return None, None, None


def matrix_units():
    return people_api.OrgUnit.objects.filter(depth__lte=UNIT_DEPTH).order_by("path")


def indicators_compute(*, on: date | None = None) -> dict:
    """Store this month's value of every computed indicator (institution and units)."""
    on = on or timezone.localdate()
    period = services.month_start(on)
    unit_ids = list(matrix_units().values_list("pk", flat=True))
    stored = 0
    gains: dict = {}
    for indicator in Indicator.objects.exclude(source=Indicator.Source.MANUAL):
        scopes = [None] if indicator.source in INSTITUTION_ONLY else [None, *unit_ids]
        rows = []
        for unit_id in scopes:
            value, numerator, denominator = compute(indicator, unit_id=unit_id, on=on, gains=gains)
            rows.append(
                {
                    "unit_id": unit_id,
                    "period": period,
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        stored += services.indicator_values_store(indicator_id=indicator.pk, rows=rows)
    return {"period": period.isoformat(), "values": stored}
