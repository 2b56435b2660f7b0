"""Selectors for the HR screens: each builds one page's context from people.selectors.

The views (people/views/) resolve what the request names (404 for what the user may not see),
then hand the rest here, so a screen's reads live in one place and can be tested without HTTP.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet

from certificates.api import certificates_for_learner
from courses.api import Enrolment

from . import exports, selectors
from .cache import cached_figures
from .models import CoverageRule, OrgUnit, Requirement, StaffProfile
from .selectors import Compliance

STATUS_BADGES = {
    Compliance.COMPLIANT: "badge--success",
    Compliance.EXPIRING: "badge--warning",
    Compliance.EXPIRED: "badge--danger",
    Compliance.PENDING: "",
    Compliance.OVERDUE: "badge--danger",
}
PAGE_SIZE = 50


def status_filter(value: str) -> str:
    """A compliance status from the query string, or "" for any."""
    return value if value in Compliance.ALL else ""


def _dashboard_units(user, unit: OrgUnit | None) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """(ancestors shown in the breadcrumb, the units whose rows the matrix shows)."""
    if unit is not None:
        children = list(
            selectors.visible_units(user).filter(path__startswith=unit.path, depth=unit.depth + 1)
        )
        visible_paths = set(
            selectors.visible_units(user)
            .filter(depth__lt=unit.depth)
            .values_list("path", flat=True)
        )
        return [a for a in unit.get_ancestors() if a.path in visible_paths], children
    children = selectors.top_units(user)
    if len(children) != 1:
        return [], children
    # One root (the institution): its branches are the useful first level.
    root = children[0]
    branches = list(
        selectors.visible_units(user).filter(path__startswith=root.path, depth=root.depth + 1)
    )
    return [root], branches or children


def _dashboard_figures(user, staff, children, shown, focus) -> dict:
    """The counts behind the cards, the matrix, the trend and coverage: plain values, cached
    per scope and day (people.cache), so a warm dashboard reads none of the staff rows."""

    def build() -> dict:
        totals, by_unit = {}, {}
        for requirement in shown:
            totals[requirement.pk], by_unit[requirement.pk] = selectors.compliance_summary(
                requirement, staff, children
            )
        coverage = [
            (f.rule.pk, f.holders_today, f.margin_today, f.breaks_on, f.lowest)
            for f in selectors.coverage_forecasts(user)
        ]
        trend = selectors.monthly_trend(focus, staff) if focus else []
        return {"totals": totals, "by_unit": by_unit, "trend": trend, "coverage": coverage}

    # The scope is what the people and unit querysets select (the officer's subtrees, a
    # manager's reports, the chosen unit) and which rows and columns the page shows.
    scope = (
        str(staff.query),
        str(selectors.visible_units(user).query),
        [c.pk for c in children],
        [r.pk for r in shown],
        focus.pk if focus else None,
        selectors.expiring_window_days(),
    )
    return cached_figures(scope, build)


def _coverage(rows: list[tuple]) -> list[selectors.CoverageForecast]:
    rules = CoverageRule.objects.select_related("unit", "course").in_bulk([r[0] for r in rows])
    return [
        selectors.CoverageForecast(rules[pk], holders, margin, breaks_on, lowest)
        for pk, holders, margin, breaks_on, lowest in rows
        if pk in rules
    ]


def dashboard_context(
    user, *, unit: OrgUnit | None, requirement_id: str, status: str, page_number: str | None
) -> dict:
    """The compliance dashboard: cards per requirement, the unit matrix, the trend and, once
    a unit, a status or a requirement is chosen, the people behind the figures."""
    staff = selectors.visible_staff(user)
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    ancestors, children = _dashboard_units(user, unit)
    requirements = list(selectors.active_requirements())
    selected = None
    if requirement_id:
        selected = next((r for r in requirements if str(r.pk) == requirement_id), None)
    status = status_filter(status)
    shown = [selected] if selected else requirements
    focus = selected or (requirements[0] if requirements else None)
    figures = _dashboard_figures(user, staff, children, shown, focus)
    cards = [{"requirement": r, **figures["totals"][r.pk]} for r in shown]
    matrix = [
        {"unit": child, "cells": [figures["by_unit"][r.pk].get(child.pk) for r in shown]}
        for child in children
    ]
    people_page = None
    if focus is not None and (unit is not None or status or selected):
        people = selectors.compliance_queryset(focus, staff).order_by("user__last_name", "pk")
        if status:
            people = people.filter(compliance=status)
        people_page = Paginator(people, PAGE_SIZE).get_page(page_number)
    return {
        "unit": unit,
        "ancestors": ancestors,
        "children": children,
        "requirements": requirements,
        "shown": shown,
        "selected": selected,
        "status": status,
        "statuses": [(s, exports.status_label(s)) for s in Compliance.ALL],
        "cards": cards,
        "matrix": matrix,
        "focus": focus,
        "trend": figures["trend"],
        "people_page": people_page,
        "badges": STATUS_BADGES,
        "coverage": _coverage(figures["coverage"]),
        "can_manage": user.has_perm("people.manage_hr"),
    }


def unit_rows(user) -> list[dict]:
    """The unit tree as indented rows with the number of people working in each unit."""
    units = selectors.visible_units(user).select_related("head__user")
    counts = dict(
        StaffProfile.objects.exclude(status=StaffProfile.Status.LEFT)
        .filter(unit__in=units)
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    return [{"unit": u, "indent": range(u.depth - 1), "staff": counts.get(u.pk, 0)} for u in units]


def staff_list_context(
    user, *, unit_code: str, status: str, text: str, page_number: str | None
) -> dict:
    """The staff directory, searched and filtered, one page of it."""
    unit = selectors.visible_units(user).filter(code=unit_code).first() if unit_code else None
    if status not in StaffProfile.Status.values:
        status = ""
    text = text.strip()[:100]
    people = selectors.staff_search(
        selectors.visible_staff(user), text=text, unit=unit, status=status
    )
    return {
        "page": Paginator(people, PAGE_SIZE).get_page(page_number),
        "q": text,
        "unit": unit,
        "units": selectors.visible_units(user),
        "status": status,
        "statuses": StaffProfile.Status.choices,
        "can_manage": user.has_perm("people.manage_hr"),
    }


def staff_detail_context(user, profile: StaffProfile) -> dict:
    """One person: enrolments, attempts, certificates and where they stand on each requirement."""
    staff = StaffProfile.objects.filter(pk=profile.pk)
    compliance = []
    for requirement in selectors.requirements_for_profile(profile):
        row = selectors.compliance_queryset(requirement, staff).first()
        if row is not None:
            compliance.append({"requirement": requirement, "row": row})
    return {
        "profile": profile,
        "enrolments": list(
            Enrolment.objects.filter(learner=profile.user)
            .select_related("course")
            .order_by("course__title", "-cycle")
        ),
        "attempts": list(selectors.attempts_for(profile.user)[:100]),
        "certificates": list(certificates_for_learner(user=profile.user)),
        "compliance": compliance,
        "badges": STATUS_BADGES,
        "labels": {s: exports.status_label(s) for s in Compliance.ALL},
        "never": selectors.NEVER,
        "can_manage": user.has_perm("people.change_profile", profile),
        "can_personal_data": user.has_perm("people.personal_data"),
    }


def requirements_for_officer(user, units: QuerySet[OrgUnit]) -> QuerySet[Requirement]:
    """Every requirement for an institution-wide officer; a scoped officer sees those of their
    units and those for everyone."""
    requirements = Requirement.objects.select_related("course", "unit").order_by("-active", "pk")
    if not user.has_perm("people.manage_institution"):
        requirements = requirements.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return requirements


def export_staff(user, unit: OrgUnit | None) -> QuerySet[StaffProfile]:
    """The people an export covers: everyone visible, or those in one visible unit's subtree."""
    staff = selectors.visible_staff(user)
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    return staff
