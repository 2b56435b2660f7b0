"""Streaming exports: the compliance matrix, transcripts and an anonymised aggregate.

Rows come from database iterators; core.exports streams them as CSV or XLSX (flat memory,
formula-injection escaping).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import (  # noqa: F401 (escape_cell, spreadsheet_response: people's exports)
    SUPPRESSED,
    escape_cell,
    min_group_size,
    spreadsheet_response,
    suppressed_cells,
)
from courses.api import Enrolment, EnrolmentSource, EnrolmentStatus

from . import selectors
from .models import Requirement, StaffProfile


def matrix_header() -> list[str]:
    return [
        _("Employee id"),
        _("Last names"),
        _("First names"),
        _("E-mail"),
        _("Unit"),
        _("Position"),
        _("Required training"),
        _("Status"),
        _("Valid until"),
        _("Due on"),
    ]


def status_label(status: str) -> str:
    labels = {
        selectors.Compliance.COMPLIANT: _("Compliant"),
        selectors.Compliance.EXPIRING: _("Expiring"),
        selectors.Compliance.EXPIRED: _("Expired"),
        selectors.Compliance.PENDING: _("Pending"),
        selectors.Compliance.OVERDUE: _("Overdue"),
    }
    return str(labels.get(status, status))


def matrix_rows(
    staff: QuerySet[StaffProfile], requirements: Iterable[Requirement], status: str = ""
) -> Iterator[list]:
    labels = {s: status_label(s) for s in selectors.Compliance.ALL}
    for requirement in requirements:
        qs = selectors.compliance_queryset(requirement, staff)
        if status:
            qs = qs.filter(compliance=status)
        values = qs.order_by("unit__path", "user__last_name", "pk").values_list(
            "employee_id",
            "user__last_name",
            "user__first_name",
            "user__email",
            "unit__name",
            "position",
            "compliance",
            "held_until",
            "due_on",
        )
        title = requirement.course.title
        for row in values.iterator(1000):
            employee_id, last, first, email, unit, position, state, until, due = row
            yield [
                employee_id,
                last,
                first,
                email,
                unit,
                position,
                title,
                labels[state],
                "" if until in (None, selectors.NEVER) else until.isoformat(),
                due.isoformat() if due else "",
            ]


def transcript_header() -> list[str]:
    return [
        _("Employee id"),
        _("Last names"),
        _("First names"),
        _("Unit"),
        _("Course"),
        _("Cycle"),
        _("Source"),
        _("Status"),
        _("Progress %"),
        _("Enrolled on"),
        _("Due on"),
        _("Completed on"),
    ]


def transcript_rows(staff: QuerySet[StaffProfile]) -> Iterator[list]:
    values = (
        Enrolment.objects.filter(learner__staff_profile__in=staff.values("pk"))
        .order_by("learner__staff_profile__unit__path", "learner__last_name", "learner_id", "pk")
        .values_list(
            "learner__staff_profile__employee_id",
            "learner__last_name",
            "learner__first_name",
            "learner__staff_profile__unit__name",
            "course__title",
            "cycle",
            "source",
            "status",
            "progress_percent",
            "enrolled_at",
            "due_date",
            "completed_at",
        )
    )
    # The labels, as the course report's CSV writes them: never "assigned" or "active".
    sources = {value: str(label) for value, label in EnrolmentSource.choices}
    statuses = {value: str(label) for value, label in EnrolmentStatus.choices}
    for row in values.iterator(1000):
        *head, source, status, progress, enrolled, due, completed = row
        yield [
            *head,
            sources.get(source, source),
            statuses.get(status, status),
            progress,
            timezone.localdate(enrolled).isoformat() if enrolled else "",
            due.isoformat() if due else "",
            timezone.localdate(completed).isoformat() if completed else "",
        ]


def aggregate_header() -> list[str]:
    return [_("Unit code"), _("Unit"), _("Topic"), _("Month"), _("Completions"), _("People")]


def aggregate_rows(staff: QuerySet[StaffProfile]) -> Iterator[list]:
    """Completions per unit, topic and month, then each unit's total: counts only, no
    personal data. Groups of fewer than PRIVACY_MIN_GROUP_SIZE people show "*", and so do
    the next smallest groups of the unit where the unit's total would reveal them
    (core.privacy)."""
    completed = Enrolment.objects.filter(
        status=EnrolmentStatus.COMPLETED, learner__staff_profile__in=staff.values("pk")
    )
    rows = (
        completed.annotate(month=TruncMonth("completed_at"))
        .values(
            "learner__staff_profile__unit__code",
            "learner__staff_profile__unit__name",
            "course__topic__name",
            "month",
        )
        .annotate(completions=Count("pk"), people=Count("learner_id", distinct=True))
        .order_by("learner__staff_profile__unit__code", "course__topic__name", "month")
    )
    totals = {
        row["learner__staff_profile__unit__code"]: row
        for row in completed.values("learner__staff_profile__unit__code").annotate(
            completions=Count("pk"), people=Count("learner_id", distinct=True)
        )
    }
    by_unit: dict[str, list[dict]] = {}
    for row in rows.iterator(1000):
        by_unit.setdefault(row["learner__staff_profile__unit__code"], []).append(row)
    k = min_group_size()
    for code, unit_rows in by_unit.items():
        hidden, total_hidden = suppressed_cells([r["people"] for r in unit_rows], min_size=k)
        total = totals[code]
        total_hidden = total_hidden or total["people"] < k
        for index, row in enumerate(unit_rows):
            shown = index not in hidden
            yield [
                code,
                row["learner__staff_profile__unit__name"],
                row["course__topic__name"] or "",
                row["month"].strftime("%Y-%m") if row["month"] else "",
                row["completions"] if shown else SUPPRESSED,
                row["people"] if shown else SUPPRESSED,
            ]
        yield [
            code,
            unit_rows[0]["learner__staff_profile__unit__name"],
            _("Total"),
            "",
            total["completions"] if not total_hidden else SUPPRESSED,
            total["people"] if not total_hidden else SUPPRESSED,
        ]
