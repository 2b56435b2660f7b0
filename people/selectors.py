"""Reads shared by HR pages, exports, reminders and other apps.

Compliance is computed in the database: one annotated queryset per requirement, never a
Python loop over people. Where a certification is held is answered by joining the certificates
app's issued certificates (`_with_holding`), grouped per person: set-based, so the cost of a
dashboard grows with the rows read once, not with people x subqueries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from assessments import api as assessments_api
from certificates.api import Certificate, CertificateStatus
from core.api import Role
from courses.api import Enrolment, EnrolmentStatus

from .models import CoverageRule, HRScope, OrgUnit, Requirement, StaffProfile
from .rules import is_admin, is_hr, scope_paths

NEVER = date(9999, 12, 31)


class Compliance:
    COMPLIANT = "compliant"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    PENDING = "pending"
    OVERDUE = "overdue"
    ALL = (COMPLIANT, EXPIRING, EXPIRED, PENDING, OVERDUE)
    VALID = (COMPLIANT, EXPIRING)


def expiring_window_days() -> int:
    return int(getattr(settings, "COMPLIANCE_EXPIRING_WINDOW_DAYS", 30))


# --- people and units -----------------------------------------------------------------------


def active_staff() -> QuerySet[StaffProfile]:
    """People who work here today (active or announced as leaving)."""
    return StaffProfile.objects.exclude(status=StaffProfile.Status.LEFT).select_related(
        "user", "unit"
    )


def _paths_q(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def visible_staff(user) -> QuerySet[StaffProfile]:
    """Every profile this user may see: all (admin, unscoped HR), their subtrees (scoped HR),
    their reports (manager), or none."""
    qs = StaffProfile.objects.select_related("user", "unit", "manager__user")
    if is_admin(user):
        return qs
    if is_hr(user):
        paths = scope_paths(user)
        return qs if paths is None else qs.filter(_paths_q(paths, "unit__path"))
    if user.is_authenticated:
        return qs.filter(manager__user=user)
    return qs.none()


def learner_ids_in_scope(user) -> QuerySet | None:
    """The user ids of `visible_staff(user)` as a subquery; None for administrators and HR
    for the whole institution (no limit). For certificates' learner scope and the
    knowledge base's people pages."""
    if is_admin(user) or (is_hr(user) and scope_paths(user) is None):
        return None
    return visible_staff(user).values("user_id")


def visible_units(user) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.order_by("path")
    if is_admin(user):
        return qs
    if is_hr(user):
        paths = scope_paths(user)
        return qs if paths is None else qs.filter(_paths_q(paths, "path"))
    if user.is_authenticated:
        report_paths = list(
            StaffProfile.objects.filter(manager__user=user).values_list("unit__path", flat=True)
        )
        # The units where their reports work, and the units above them down from their own.
        return qs.filter(path__in=set(report_paths))
    return qs.none()


def top_units(user) -> list[OrgUnit]:
    """The highest visible units (the roots of what a user may see)."""
    units = list(visible_units(user))
    roots = []
    for unit in units:
        if not any(unit.path.startswith(r.path) and unit.path != r.path for r in roots):
            roots.append(unit)
    return roots


def active_requirements() -> QuerySet[Requirement]:
    """The requirements HR has switched on, with what every compliance page shows of them."""
    return Requirement.objects.filter(active=True).select_related("course", "unit")


# --- compliance ---------------------------------------------------------------------------


def staff_in_requirement(requirement: Requirement, staff: QuerySet | None = None) -> QuerySet:
    qs = active_staff() if staff is None else staff.exclude(status=StaffProfile.Status.LEFT)
    if requirement.scope == Requirement.Scope.UNIT and requirement.unit_id:
        qs = qs.filter(unit__path__startswith=requirement.unit.path)
    elif requirement.scope == Requirement.Scope.POSITION:
        qs = qs.filter(position__iexact=requirement.position)
    return qs


def holdings(course_id: int) -> QuerySet:
    """Certifications for a course as rows (learner_id, h_from, h_until; h_until NULL = never
    expires): the issued certificates. Their expiry already carries the HR requirement's
    validity (people registers a validity provider with certificates, see people.apps);
    revoked and superseded certificates do not count."""
    return Certificate.objects.filter(
        course_id=course_id, status=CertificateStatus.ISSUED
    ).annotate(h_from=F("completed_on"), h_until=F("expires_on"))


def _with_holding(staff: QuerySet, course_id: int) -> QuerySet:
    """`held_until`: the latest expiry of the person's issued certificates for the course
    (NEVER when one does not expire; NULL when never certified).

    A join to the course's certificates grouped per person, not a subquery per person: the
    database reads the certificates once (a hash join), so a dashboard over 50,000 people is
    one pass, and every later reference to `held_until` reuses the same aggregate."""
    return staff.annotate(
        held_certificate=FilteredRelation(
            "user__certificates",
            condition=Q(
                user__certificates__course_id=course_id,
                user__certificates__status=CertificateStatus.ISSUED,
            ),
        )
    ).annotate(
        held_until=Max(
            Coalesce("held_certificate__expires_on", Value(NEVER)),
            filter=Q(held_certificate__id__isnull=False),
        )
    )


def compliance_queryset(
    requirement: Requirement, staff: QuerySet | None = None, today: date | None = None
) -> QuerySet[StaffProfile]:
    """People in the requirement's scope annotated with `held_until`, `due_on` and
    `compliance` (one of Compliance.ALL), all computed by the database in one grouped query
    (joins to the course's certificates and active enrolment, one row per person)."""
    today = today or timezone.localdate()
    window_end = today + timedelta(days=expiring_window_days())
    # Clamped: a value stored before the form's bound (SQLite keeps any integer) must not
    # overflow the date arithmetic and turn the dashboard into a 500.
    due_days = timedelta(days=min(requirement.due_days, 3650))
    requirement_since = timezone.localdate(requirement.created_at)
    # Not certified and no enrolment due date yet: due D days after the hire, the move into
    # the unit or the requirement itself, whichever is last.
    fallback_overdue = Q(start_date__lt=today - due_days, placed_on__lt=today - due_days) & Q(
        pk__isnull=requirement_since >= today - due_days
    )
    qs = _with_holding(staff_in_requirement(requirement, staff), requirement.course_id)
    qs = qs.annotate(
        # At most one active enrolment per person and course (a database constraint).
        active_enrolment=FilteredRelation(
            "user__enrolments",
            condition=Q(
                user__enrolments__course_id=requirement.course_id,
                user__enrolments__status=EnrolmentStatus.ACTIVE,
            ),
        )
    ).annotate(due_on=Max("active_enrolment__due_date"))
    return qs.annotate(
        compliance=Case(
            When(held_until__gt=window_end, then=Value(Compliance.COMPLIANT)),
            When(held_until__gte=today, then=Value(Compliance.EXPIRING)),
            When(held_until__isnull=False, then=Value(Compliance.EXPIRED)),
            When(due_on__lt=today, then=Value(Compliance.OVERDUE)),
            When(due_on__isnull=False, then=Value(Compliance.PENDING)),
            When(fallback_overdue, then=Value(Compliance.OVERDUE)),
            default=Value(Compliance.PENDING),
            output_field=CharField(),
        )
    )


def fallback_due_date(profile: StaffProfile, requirement: Requirement) -> date:
    anchor = max(profile.start_date, profile.placed_on, timezone.localdate(requirement.created_at))
    try:
        return anchor + timedelta(days=requirement.due_days)
    except OverflowError:  # a start date near 9999 (an import's typo): due at the end of time
        return date.max


def _with_percent(row: dict) -> dict:
    total = row.get("total") or 0
    valid = sum(row.get(s) or 0 for s in Compliance.VALID)
    row["valid"] = valid
    row["percent"] = round(100 * valid / total) if total else None
    return row


def _empty_counts() -> dict:
    return dict.fromkeys((*Compliance.ALL, "total"), 0)


def compliance_summary(
    requirement: Requirement, staff: QuerySet, units: list[OrgUnit] | tuple = ()
) -> tuple[dict, dict[int, dict]]:
    """Counts per status for one requirement: over all the given people, and per subtree of
    each of `units` (siblings), in one query.

    The grouped per-person compliance query becomes a derived table counted by branch and
    state. The outer query is written out because Django's `aggregate()` over it would
    rebuild the whole compliance expression once per counted cell (seconds of Python for a
    dashboard); the inner query is still the ORM's, so scoping and state logic stay in one
    place."""
    prefix_len = units[0].depth * OrgUnit.steplen if units else 0
    inner = (
        compliance_queryset(requirement, staff)
        .annotate(branch=Substr("unit__path", 1, prefix_len) if units else Value(""))
        .values("branch", "compliance")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        # The SQL is the ORM's own compilation and every value is a bound parameter.
        outer = (
            "SELECT per_person.branch, per_person.compliance, COUNT(*) "  # noqa: S608
            f"FROM ({sql}) per_person GROUP BY per_person.branch, per_person.compliance"
        )
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    by_path = {unit.path: unit.pk for unit in units}
    totals = _empty_counts()
    by_unit: dict[int, dict] = {}
    for branch, state, count in rows:
        totals[state] += count
        totals["total"] += count
        unit_id = by_path.get(branch)
        if unit_id is not None:
            cell = by_unit.setdefault(unit_id, _empty_counts())
            cell[state] += count
            cell["total"] += count
    return _with_percent(totals), {pk: _with_percent(c) for pk, c in by_unit.items()}


def compliance_totals(requirement: Requirement, staff: QuerySet) -> dict:
    """{status: count, total, valid, percent} for one requirement over a set of people
    (1 query)."""
    return compliance_summary(requirement, staff)[0]


def monthly_trend(requirement: Requirement, staff: QuerySet, months: int = 6) -> list[dict]:
    """People holding a valid certification at the end of each of the last months (1 query)."""
    today = timezone.localdate()
    ends = []
    for back in range(months - 1, -1, -1):
        first_of_next = (today.replace(day=1) + relativedelta(months=1)) - relativedelta(
            months=back
        )
        ends.append(min(first_of_next - timedelta(days=1), today))
    people = staff_in_requirement(requirement, staff)
    certs = holdings(requirement.course_id).filter(learner_id__in=people.values("user_id"))
    aggregates = {
        f"m{i}": Count(
            "learner_id",
            distinct=True,
            filter=Q(h_from__lte=end) & (Q(h_until__isnull=True) | Q(h_until__gte=end)),
        )
        for i, end in enumerate(ends)
    }
    row = certs.aggregate(**aggregates)
    total = people.count()
    return [
        {
            "month": end,
            "holders": row[f"m{i}"],
            "percent": round(100 * row[f"m{i}"] / total) if total else None,
        }
        for i, end in enumerate(ends)
    ]


# --- coverage -----------------------------------------------------------------------------


@dataclass
class CoverageForecast:
    rule: CoverageRule
    holders_today: int
    margin_today: int
    breaks_on: date | None  # first day within the horizon the rule is not met
    lowest: int  # the fewest holders on any day of the horizon

    @property
    def broken(self) -> bool:
        return self.margin_today < 0

    @property
    def at_risk(self) -> bool:
        return self.breaks_on is not None


def coverage_forecast(
    rule: CoverageRule, today: date | None = None, horizon_days: int = 90
) -> CoverageForecast:
    """Holders today and the first day in the horizon the rule breaks, from expiry dates and
    announced departures (1 query)."""
    today = today or timezone.localdate()
    staff = active_staff()
    if rule.include_subunits:
        staff = staff.filter(unit__path__startswith=rule.unit.path)
    else:
        staff = staff.filter(unit=rule.unit)
    holders = list(
        _with_holding(staff, rule.course_id)
        .filter(held_until__gte=today)
        .values_list("held_until", "end_date", "status")
    )

    def last_day(held_until, end_date, status):
        ends = [held_until]
        if status == StaffProfile.Status.LEAVING and end_date:
            # Leaving on end_date: no longer counted from that day on.
            ends.append(end_date - timedelta(days=1))
        return min(ends)

    last_days = sorted(last_day(*row) for row in holders)
    count = len(last_days)
    horizon_end = today + timedelta(days=horizon_days)
    breaks_on = None
    lowest = count
    if count < rule.minimum:
        breaks_on = today
    remaining = count
    for day in last_days:
        if day >= horizon_end:
            break
        remaining -= 1
        lowest = min(lowest, remaining)
        if remaining < rule.minimum and breaks_on is None:
            breaks_on = max(day + timedelta(days=1), today)
    return CoverageForecast(
        rule=rule,
        holders_today=count,
        margin_today=count - rule.minimum,
        breaks_on=breaks_on,
        lowest=lowest,
    )


def coverage_forecasts(user) -> list[CoverageForecast]:
    rules_qs = CoverageRule.objects.filter(active=True).select_related("unit", "course")
    units = visible_units(user)
    if not is_admin(user) and not (is_hr(user) and scope_paths(user) is None):
        rules_qs = rules_qs.filter(unit__in=units)
    return [coverage_forecast(rule) for rule in rules_qs]


# --- what to renew and remind -----------------------------------------------------------------


def renewal_candidates(requirement: Requirement, today: date | None = None) -> QuerySet:
    """People whose certification for the requirement expires within the window and who have
    no renewal in progress."""
    today = today or timezone.localdate()
    window_end = today + timedelta(days=expiring_window_days())
    in_progress = Enrolment.objects.filter(
        learner_id=OuterRef("user_id"),
        course_id=requirement.course_id,
        status=EnrolmentStatus.ACTIVE,
    )
    return (
        compliance_queryset(requirement, today=today)
        .filter(held_until__lte=window_end)
        .exclude(Exists(in_progress))
    )


def unassigned_in_scope(requirement: Requirement) -> QuerySet:
    """People in scope without a valid certification and without an active enrolment."""
    today = timezone.localdate()
    in_progress = Enrolment.objects.filter(
        learner_id=OuterRef("user_id"),
        course_id=requirement.course_id,
        status=EnrolmentStatus.ACTIVE,
    )
    return (
        compliance_queryset(requirement, today=today)
        .exclude(compliance__in=[Compliance.COMPLIANT, Compliance.EXPIRING])
        .exclude(Exists(in_progress))
        .exclude(_awaiting_certificate(requirement.course_id))
        .filter(user__is_active=True)
    )


def _awaiting_certificate(course_id: int) -> Q:
    """A completion whose certificate is still being issued (issuance runs after commit)."""
    return Q(
        Exists(
            Enrolment.objects.filter(
                learner_id=OuterRef("user_id"),
                course_id=course_id,
                status=EnrolmentStatus.COMPLETED,
            ).exclude(Exists(Certificate.objects.filter(enrolment_id=OuterRef("pk"))))
        )
    )


def requirements_for_profile(profile: StaffProfile) -> list[Requirement]:
    reqs = active_requirements()
    out = []
    for req in reqs:
        if req.scope == Requirement.Scope.UNIT and req.unit_id:
            if profile.unit.path.startswith(req.unit.path):
                out.append(req)
        elif req.scope == Requirement.Scope.POSITION:
            if (profile.position or "").lower() == req.position.lower():
                out.append(req)
        else:
            out.append(req)
    return out


def staff_search(qs: QuerySet, *, text: str = "", unit: OrgUnit | None = None, status: str = ""):
    if text:
        for word in text.split():
            qs = qs.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(employee_id__icontains=word)
                | Q(position__icontains=word)
            )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("user__last_name", "user__first_name", "pk")


def attempts_for(user) -> QuerySet:
    """A person's quiz attempts, newest first, for the transcript."""
    return assessments_api.attempts_of(user=user)


def hr_officers() -> QuerySet:
    """Active accounts with the HR role, with their scopes (2 queries however many)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.HR.value)
        .distinct()
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(
            Prefetch(
                "hr_scopes",
                queryset=HRScope.objects.select_related("unit").order_by("unit__path"),
            )
        )
    )


# --- indicators (people.api, for quality) -------------------------------------------------


def unit_staff_user_ids(*, unit_id: int) -> QuerySet:
    unit = OrgUnit.objects.filter(pk=unit_id).only("path").first()
    if unit is None:
        return StaffProfile.objects.none().values("user_id")
    return active_staff().filter(unit__path__startswith=unit.path).values("user_id")


def requirement_coverage(
    *, requirement_id: int, unit_id: int | None = None, on: date | None = None
) -> tuple[int, int]:
    requirement = Requirement.objects.select_related("unit").filter(pk=requirement_id).first()
    if requirement is None:
        return 0, 0
    end = on or timezone.localdate()
    people = staff_in_requirement(requirement)
    if unit_id is not None:
        unit = OrgUnit.objects.filter(pk=unit_id).only("path").first()
        if unit is None:
            return 0, 0
        people = people.filter(unit__path__startswith=unit.path)
    holders = (
        holdings(requirement.course_id)
        .filter(learner_id__in=people.values("user_id"), h_from__lte=end)
        .filter(Q(h_until__isnull=True) | Q(h_until__gte=end))
        .aggregate(n=Count("learner_id", distinct=True))["n"]
    )
    return holders, people.count()


def managers_of(*, user_ids) -> dict:
    return {
        profile.user_id: profile.manager.user
        for profile in StaffProfile.objects.filter(
            user_id__in=list(user_ids), manager__isnull=False
        ).select_related("manager__user")
    }


# --- accounts single sign-on created, waiting for HR to place them ("sin unidad") ----------


def unplaced_accounts() -> QuerySet:
    """Active accounts that came in through single sign-on and hold no staff profile (hence no
    unit): HR places them. Only plain Funcionario accounts (no other role, not staff): HR never
    attaches a profile to any other kind (people.rules.account_is_plain_learner). One query,
    however many; the provider's name comes along for the list."""
    User = get_user_model()
    through = User.groups.through
    other_roles = through.objects.filter(user_id=OuterRef("pk")).exclude(
        group__name=Role.LEARNER.value
    )
    return (
        User.objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
            staff_profile__isnull=True,
            socialaccount__isnull=False,
        )
        .exclude(Exists(other_roles))
        .annotate(sso_provider=Max("socialaccount__provider"))
        .order_by("-date_joined", "-pk")
    )
