"""Writes of the HR app. Each service is one transaction; validation comes before any save.

Signals for the apps above (knowledge base handovers) are sent inside the transaction; their
receivers only record work in the outbox, which runs it after commit and retries it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import structlog
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from treebeard.exceptions import InvalidMoveToDescendant

from core.api import Role, audit_log, has_role, outbox_enqueue
from courses.api import EnrolmentSource, enrolment_create

from . import selectors
from .cache import compliance_changed
from .hooks import staff_moved, staff_status_changed
from .models import CoverageRule, HRScope, OrgUnit, Requirement, StaffProfile
from .rules import (
    account_in_use,
    account_is_plain_learner,
    is_unscoped_hr,
    manager_flag_forget,
    may_edit_account,
    unit_in_scope,
)

logger = structlog.get_logger(__name__)
User = get_user_model()


def _require_unit_in_scope(user, unit: OrgUnit | None) -> None:
    if user is not None and unit is not None and not unit_in_scope(user, unit):
        raise PermissionDenied(_("This unit is outside your scope."))


def _require_editable_account(user, account) -> None:
    if user is not None and not may_edit_account(user, account):
        raise PermissionDenied(
            _("Only an administrator changes the profile of a staff or administrator account.")
        )


ACCOUNT_EXISTS = _lazy("An account with this e-mail address already exists.")
EMAIL_OF_ACCOUNT_IN_USE = _lazy(
    "Only its owner changes the e-mail address of an account in use (it has a password or has "
    "signed in), in their account; or an administrator."
)


# --- organisation ---------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, name: str, code: str, kind: str, parent: OrgUnit | None, user=None) -> OrgUnit:
    if parent is None and user is not None and not is_unscoped_hr(user):
        raise PermissionDenied(_("Only an HR officer without a scope may create a top unit."))
    _require_unit_in_scope(user, parent)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A unit with this code already exists.")})
    if parent is None:
        unit = OrgUnit.add_root(name=name, code=code, kind=kind)
    else:
        unit = OrgUnit.objects.get(pk=parent.pk).add_child(name=name, code=code, kind=kind)
    audit_log(
        instance=unit,
        action="people.unit_created",
        user=user,
        data={"code": code, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(
    *, unit: OrgUnit, name: str, code: str, kind: str, head: StaffProfile | None, user=None
) -> OrgUnit:
    _require_unit_in_scope(user, unit)
    if OrgUnit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise ValidationError({"code": _("A unit with this code already exists.")})
    before = {"name": unit.name, "code": unit.code, "kind": unit.kind, "head": unit.head_id}
    unit.name, unit.code, unit.kind, unit.head = name, code, kind, head
    unit.save(update_fields=["name", "code", "kind", "head"])
    after = {"name": name, "code": code, "kind": kind, "head": head.pk if head else None}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_log(instance=unit, action="people.unit_updated", user=user, data=changes)
    return unit


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit, user=None) -> OrgUnit:
    """Move a unit (with its sub-units and people) under another unit."""
    _require_unit_in_scope(user, unit)
    _require_unit_in_scope(user, new_parent)
    unit = OrgUnit.objects.get(pk=unit.pk)
    new_parent = OrgUnit.objects.get(pk=new_parent.pk)
    old_parent = unit.get_parent()
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved inside itself."))
    try:
        unit.move(new_parent, pos="sorted-child")
    except InvalidMoveToDescendant:
        raise ValidationError(_("A unit cannot be moved inside itself."))
    unit.refresh_from_db()
    # treebeard rewrites the paths with queryset updates, which send no signals.
    compliance_changed()
    audit_log(
        instance=unit,
        action="people.unit_moved",
        user=user,
        data={"from": old_parent.code if old_parent else None, "to": new_parent.code},
    )
    # People in the moved subtree may fall under other unit requirements now.
    transaction.on_commit(lambda: _enqueue_requirements_sync(f"unit-move:{unit.pk}:{unit.path}"))
    return unit


# --- staff ----------------------------------------------------------------------------------


def account_create_for_sso(*, email: str, first_name: str, last_name: str) -> User:
    """An account that signs in through the institution's SSO (matched by verified e-mail):
    no usable password, the e-mail address already verified, the learner role."""
    user = User.objects.create_user(
        email=email, password=None, first_name=first_name, last_name=last_name, language="es"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    group = Group.objects.filter(name=Role.LEARNER.value).first()
    if group is not None:
        user.groups.add(group)
    return user


def _validate_staff(
    *, employee_id: str, email: str, unit: OrgUnit, manager, profile: StaffProfile | None
) -> None:
    errors = {}
    if not employee_id.strip():
        errors["employee_id"] = _("The employee id is required.")
    elif (
        StaffProfile.objects.filter(employee_id=employee_id)
        .exclude(pk=profile.pk if profile else None)
        .exists()
    ):
        errors["employee_id"] = _("Another person has this employee id.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    else:
        others = User.objects.filter(email__iexact=email)
        if profile is not None:
            others = others.exclude(pk=profile.user_id)
        if others.filter(staff_profile__isnull=False).exists():
            errors["email"] = _("Another person has this e-mail address.")
    if manager is not None and profile is not None and manager.pk == profile.pk:
        errors["manager"] = _("A person cannot be their own manager.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def staff_create(
    *,
    employee_id: str,
    email: str,
    first_name: str,
    last_name: str,
    unit: OrgUnit,
    position: str = "",
    manager: StaffProfile | None = None,
    start_date: date | None = None,
    user=None,
) -> StaffProfile:
    _require_unit_in_scope(user, unit)
    email = email.strip().lower()
    _validate_staff(employee_id=employee_id, email=email, unit=unit, manager=manager, profile=None)
    account = User.objects.filter(email__iexact=email).first()
    attached = account is not None
    if account is None:
        account = account_create_for_sso(email=email, first_name=first_name, last_name=last_name)
    elif not account_is_plain_learner(account):
        # Attaching a profile to an administrator's (or a trainer's...) account would let HR
        # change its e-mail and take it over through a password reset.
        raise ValidationError({"email": ACCOUNT_EXISTS})
    today = timezone.localdate()
    profile = StaffProfile.objects.create(
        user=account,
        employee_id=employee_id.strip(),
        unit=unit,
        position=position,
        manager=manager,
        start_date=start_date or today,
        placed_on=start_date or today,
    )
    audit_log(
        instance=profile,
        action="people.staff_created",
        user=user,
        data={"employee_id": profile.employee_id, "unit": unit.code},
    )
    if attached:
        audit_log(
            instance=profile,
            action="people.staff_account_attached",
            user=user,
            data={"employee_id": profile.employee_id, "account": account.pk},
        )
    requirements_assign(profile_ids=[profile.pk], assigned_by=user)
    return profile


@transaction.atomic
def staff_update(
    *,
    profile: StaffProfile,
    employee_id: str,
    email: str,
    first_name: str,
    last_name: str,
    unit: OrgUnit,
    position: str,
    manager: StaffProfile | None,
    start_date: date,
    user=None,
) -> StaffProfile:
    _require_unit_in_scope(user, profile.unit)
    _require_unit_in_scope(user, unit)
    _require_editable_account(user, profile.user)
    email = email.strip().lower()
    _validate_staff(
        employee_id=employee_id, email=email, unit=unit, manager=manager, profile=profile
    )
    profile = (
        StaffProfile.objects.select_for_update(of=("self", "user"))
        .select_related("user", "unit")
        .get(pk=profile.pk)
    )
    account = profile.user
    if account.email.lower() != email and not account_is_plain_learner(account):
        raise ValidationError(
            {
                "email": _(
                    "The e-mail address of an account with another role is changed only by "
                    "its owner, in their account."
                )
            }
        )
    # A new e-mail is marked verified: on an account someone already uses, a password reset to
    # it would hand that account over. Only its owner (or an administrator) changes it then.
    if (
        account.email.lower() != email
        and account_in_use(account)
        and not (getattr(user, "is_superuser", False) or has_role(user, Role.ADMIN))
    ):
        raise ValidationError({"email": EMAIL_OF_ACCOUNT_IN_USE})
    old_unit = profile.unit
    before = _snapshot(profile)
    moved = old_unit.pk != unit.pk
    placed = moved or (profile.position or "").lower() != (position or "").lower()
    account.email, account.first_name, account.last_name = email, first_name, last_name
    account.save(update_fields=["email", "first_name", "last_name"])
    if not EmailAddress.objects.filter(user=account, email__iexact=email).exists():
        EmailAddress.objects.filter(user=account).update(primary=False)
        EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
    profile.employee_id = employee_id.strip()
    profile.unit = unit
    profile.position = position
    profile.manager = manager
    profile.start_date = start_date
    if placed:
        profile.placed_on = timezone.localdate()
    profile.save()
    changes = {k: [before[k], v] for k, v in _snapshot(profile).items() if before[k] != v}
    if changes.pop("name", None):
        changes["name_changed"] = True  # the name itself stays out of the audit log
    if changes:
        audit_log(instance=profile, action="people.staff_updated", user=user, data=changes)
    if before["manager"] != profile.manager_id:
        manager_flag_forget(*_manager_user_ids([before["manager"], profile.manager_id]))
    if moved:
        _announce_move(profile, old_unit, unit)
    if placed:
        requirements_assign(profile_ids=[profile.pk], assigned_by=user)
    return profile


def _manager_user_ids(profile_ids) -> list[int]:
    return list(
        StaffProfile.objects.filter(pk__in=[pk for pk in profile_ids if pk]).values_list(
            "user_id", flat=True
        )
    )


def _snapshot(profile: StaffProfile) -> dict:
    return {
        "employee_id": profile.employee_id,
        "email": profile.user.email,
        "name": profile.user.get_full_name(),
        "unit": profile.unit.code,
        "position": profile.position,
        "manager": profile.manager_id,
        "start_date": profile.start_date.isoformat() if profile.start_date else None,
    }


def _announce_move(profile: StaffProfile, old_unit: OrgUnit, new_unit: OrgUnit) -> None:
    # Sent inside the change's transaction: receivers record their reaction in the outbox
    # (it commits with the change, or not at all) and do the work in a task that retries.
    staff_moved.send(sender=StaffProfile, profile=profile, old_unit=old_unit, new_unit=new_unit)


def _announce_status(profile: StaffProfile, old_status: str, new_status: str) -> None:
    staff_status_changed.send(
        sender=StaffProfile, profile=profile, old_status=old_status, new_status=new_status
    )


def sessions_end(*, user_ids: Iterable[int]) -> int:
    """Delete the database sessions of these users (they are signed out everywhere)."""
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    doomed = []
    sessions = Session.objects.filter(expire_date__gt=timezone.now())
    for key, data in sessions.values_list("session_key", "session_data").iterator(2000):
        decoded = Session(session_key=key, session_data=data).get_decoded()
        if str(decoded.get("_auth_user_id")) in wanted:
            doomed.append(key)
    deleted = 0
    for start in range(0, len(doomed), 500):
        deleted += Session.objects.filter(session_key__in=doomed[start : start + 500]).delete()[0]
    return deleted


def staff_status_change(
    profile: StaffProfile, *, status: str, end_date: date | None, today: date
) -> None:
    """The status rule shared by `staff_status_set` and the staff import, in memory (the caller
    saves one row or many in bulk): left keeps the given, the known or today's last day;
    leaving keeps the given or the known last day; active has none."""
    profile.status = status
    if status == StaffProfile.Status.LEFT:
        profile.end_date = end_date or profile.end_date or today
    elif status == StaffProfile.Status.LEAVING:
        profile.end_date = end_date or profile.end_date
    else:
        profile.end_date = None


def account_follow_status(account, *, status: str) -> str | None:
    """Deactivate the account of someone who left, reactivate it for anyone else, in memory.
    Returns "deactivated", "reactivated" or None (nothing to change)."""
    if status == StaffProfile.Status.LEFT and account.is_active:
        account.is_active = False
        return "deactivated"
    if status != StaffProfile.Status.LEFT and not account.is_active:
        account.is_active = True
        return "reactivated"
    return None


@transaction.atomic
def staff_status_set(
    *, profile: StaffProfile, status: str, end_date: date | None = None, user=None
) -> StaffProfile:
    """Mark a person active, leaving (with the announced last day) or left.

    Left: the account is deactivated and every session ended; records stay. Leaving and
    left are announced (staff_status_changed) for the knowledge base's handover."""
    _require_unit_in_scope(user, profile.unit)
    _require_editable_account(user, profile.user)
    if status not in StaffProfile.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == StaffProfile.Status.LEAVING and end_date is None:
        raise ValidationError({"end_date": _("Give the announced last day.")})
    profile = (
        StaffProfile.objects.select_for_update(of=("self", "user"))
        .select_related("user")
        .get(pk=profile.pk)
    )
    old_status = profile.status
    if old_status == status and (end_date is None or end_date == profile.end_date):
        return profile
    staff_status_change(profile, status=status, end_date=end_date, today=timezone.localdate())
    profile.save(update_fields=["status", "end_date", "updated_at"])
    account = profile.user
    account_change = account_follow_status(account, status=status)
    if account_change is not None:
        account.save(update_fields=["is_active"])
    if account_change == "deactivated":
        transaction.on_commit(lambda: sessions_end(user_ids=[account.pk]))
    audit_log(
        instance=profile,
        action="people.staff_status_changed",
        user=user,
        data={
            "from": old_status,
            "to": status,
            "end_date": profile.end_date.isoformat() if profile.end_date else None,
        },
    )
    if old_status != status:
        _announce_status(profile, old_status, status)
    return profile


# --- requirements ---------------------------------------------------------------------------


def _clean_requirement(*, scope, unit, position, user) -> None:
    if scope == Requirement.Scope.UNIT:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit.")})
        _require_unit_in_scope(user, unit)
    elif user is not None and not is_unscoped_hr(user):
        raise PermissionDenied(
            _("Only an HR officer without a scope may set requirements beyond a unit.")
        )
    if scope == Requirement.Scope.POSITION and not position.strip():
        raise ValidationError({"position": _("Give the position.")})


@transaction.atomic
def requirement_save(
    *,
    requirement: Requirement | None = None,
    course,
    scope: str,
    unit: OrgUnit | None = None,
    position: str = "",
    validity_months: int | None = None,
    due_days: int = 30,
    active: bool = True,
    user=None,
) -> Requirement:
    """Create or change a requirement; the people in scope are enrolled after commit."""
    _clean_requirement(scope=scope, unit=unit, position=position, user=user)
    if requirement is not None:
        _clean_requirement(
            scope=requirement.scope, unit=requirement.unit, position=requirement.position, user=user
        )
    created = requirement is None
    requirement = requirement or Requirement(created_by=user)
    requirement.course = course
    requirement.scope = scope
    requirement.unit = unit if scope == Requirement.Scope.UNIT else None
    requirement.position = position.strip() if scope == Requirement.Scope.POSITION else ""
    requirement.validity_months = validity_months
    requirement.due_days = due_days
    requirement.active = active
    requirement.save()
    audit_log(
        instance=requirement,
        action="people.requirement_created" if created else "people.requirement_updated",
        user=user,
        data={
            "course": course.pk,
            "scope": scope,
            "unit": unit.code if unit else None,
            "position": requirement.position,
            "validity_months": validity_months,
            "due_days": due_days,
            "active": active,
        },
    )
    if active:
        pk = requirement.pk
        assigned_by = user.pk if user is not None else None
        outbox_enqueue(
            task_name="people.tasks.requirements_assign_task",
            kwargs={"requirement_id": pk, "assigned_by_id": assigned_by},
            dedupe_key=f"people-requirement:{pk}:{timezone.now().isoformat()}",
        )
    return requirement


def _enqueue_requirements_sync(reason: str) -> None:
    with transaction.atomic():
        outbox_enqueue(
            task_name="people.tasks.requirements_assign_task",
            kwargs={},
            dedupe_key=f"people-sync:{reason}:{timezone.now().isoformat()}",
        )


def requirements_assign(
    *,
    requirement_id: int | None = None,
    profile_ids: list[int] | None = None,
    assigned_by=None,
) -> int:
    """Enrol everyone in scope who holds no valid certification and has nothing in progress.

    Idempotent: a second run enrols nobody. The due date is D days after the latest of the
    hire, the move into the unit and the requirement itself (never before today)."""
    reqs = selectors.active_requirements()
    if requirement_id is not None:
        reqs = reqs.filter(pk=requirement_id)
    today = timezone.localdate()
    enrolled = 0
    for requirement in reqs:
        if not requirement.course.live:
            continue
        candidates = selectors.unassigned_in_scope(requirement)
        if profile_ids is not None:
            candidates = candidates.filter(pk__in=profile_ids)
        for profile in candidates.iterator(1000):
            due = max(selectors.fallback_due_date(profile, requirement), today)
            with transaction.atomic():
                enrolment_create(
                    learner=profile.user,
                    course=requirement.course,
                    source=EnrolmentSource.ASSIGNED,
                    due_date=due,
                    assigned_by=assigned_by,
                    check_prerequisites=False,
                )
            enrolled += 1
    return enrolled


def recertification_run(*, today: date | None = None) -> int:
    """Open a renewal cycle for everyone whose certification expires within the window.

    The renewal is due on the expiry day; completing it issues a new certificate whose
    validity starts again. Earlier cycles and certificates stay as history. Idempotent."""
    today = today or timezone.localdate()
    renewed = 0
    for requirement in selectors.active_requirements():
        if not requirement.course.live:
            continue
        for profile in (
            selectors.renewal_candidates(requirement, today=today)
            .filter(user__is_active=True)
            .iterator(1000)
        ):
            due = (
                profile.held_until
                if profile.held_until >= today
                else today + timedelta(days=requirement.due_days)
            )
            with transaction.atomic():
                enrolment_create(
                    learner=profile.user,
                    course=requirement.course,
                    source=EnrolmentSource.ASSIGNED,
                    due_date=due,
                    check_prerequisites=False,
                )
            renewed += 1
    return renewed


def requirement_validity_for_enrolment(enrolment) -> int | None:
    """Validity provider for certificates: the shortest validity of the HR requirements
    that apply to this learner and course (None: the course's own)."""
    profile = (
        StaffProfile.objects.select_related("unit").filter(user_id=enrolment.learner_id).first()
    )
    if profile is None:
        return None
    months = [
        r.validity_months
        for r in selectors.requirements_for_profile(profile)
        if r.course_id == enrolment.course_id and r.validity_months
    ]
    return min(months) if months else None


# --- coverage rules -------------------------------------------------------------------------


@transaction.atomic
def coverage_rule_save(
    *,
    rule: CoverageRule | None = None,
    unit: OrgUnit,
    course,
    minimum: int,
    include_subunits: bool = True,
    active: bool = True,
    user=None,
) -> CoverageRule:
    _require_unit_in_scope(user, unit)
    if rule is not None:
        _require_unit_in_scope(user, rule.unit)
    if minimum < 1:
        raise ValidationError({"minimum": _("At least one person.")})
    created = rule is None
    rule = rule or CoverageRule()
    rule.unit, rule.course, rule.minimum = unit, course, minimum
    rule.include_subunits, rule.active = include_subunits, active
    rule.save()
    audit_log(
        instance=rule,
        action="people.coverage_rule_created" if created else "people.coverage_rule_updated",
        user=user,
        data={"unit": unit.code, "course": course.pk, "minimum": minimum, "active": active},
    )
    return rule


def staff_identifier(user) -> str | None:
    """Identifier provider for certificates: the person's cédula."""
    return (
        StaffProfile.objects.filter(user_id=getattr(user, "pk", user))
        .values_list("employee_id", flat=True)
        .first()
    )


# --- accounts single sign-on created: placing them in a unit ("sin unidad") ----------------


def _require_placer(user) -> None:
    # An account without a unit lies outside every scope: only HR for the whole institution
    # (or an administrator) sees and places it.
    if user is not None and not user.has_perm("people.place_unplaced"):
        raise PermissionDenied(_("Only HR for the whole institution places people in a unit."))


@transaction.atomic
def staff_place(
    *,
    account: User,
    employee_id: str,
    unit: OrgUnit,
    position: str = "",
    manager: StaffProfile | None = None,
    start_date: date | None = None,
    user=None,
) -> StaffProfile:
    """HR gives an account that came in through single sign-on its staff profile, hence its
    unit: its required trainings follow. The names and e-mail stay the provider's."""
    _require_placer(user)
    account = User.objects.select_for_update().get(pk=account.pk)
    if StaffProfile.objects.filter(user=account).exists():
        raise ValidationError(_("This person already has a unit."))
    if not account.is_active or not account_is_plain_learner(account):
        raise ValidationError(ACCOUNT_EXISTS)
    return staff_create(
        employee_id=employee_id,
        email=account.email,
        first_name=account.first_name,
        last_name=account.last_name,
        unit=unit,
        position=position,
        manager=manager,
        start_date=start_date,
        user=user,
    )


# What placing a person from the provider's claims did (core.hooks.sso_unit_place).
PLACED = "placed"
PLACED_ALREADY = "same_unit"
PLACED_KEPT = "kept_unit"  # a person with another unit is never moved silently
PLACED_UNKNOWN_UNIT = "unknown_unit"
PLACED_NO_EMPLOYEE_ID = "no_employee_id"
PLACED_REFUSED = "refused"


def staff_place_from_sso(*, account: User, unit_code: str, employee_id: str = "") -> str:
    """At a sign-in through single sign-on, the unit the provider names (settings.SSO_UNIT_CLAIM,
    matched to a unit's code) places an account that has none yet, with the employee id it
    names (settings.SSO_EMPLOYEE_ID_CLAIM): a staff profile needs both. A person who has a unit
    keeps it: a different claim is only logged, for HR to decide. Never fails the sign-in:
    every refusal is an outcome, logged."""
    unit_code = (unit_code or "").strip().lower()
    employee_id = (employee_id or "").strip()
    log = logger.bind(account=account.pk, unit_claim=unit_code)
    unit = OrgUnit.objects.filter(code=unit_code).first() if unit_code else None
    current = (
        StaffProfile.objects.filter(user=account).select_related("unit").only("unit__code").first()
    )
    if current is not None:
        if unit is not None and current.unit_id == unit.pk:
            return PLACED_ALREADY
        log.info("sso_unit_claim_differs", unit=current.unit.code)
        return PLACED_KEPT
    if unit is None:
        log.info("sso_unit_claim_unknown")
        return PLACED_UNKNOWN_UNIT
    if not employee_id or len(employee_id) > 20:
        log.info("sso_unit_claim_without_employee_id")
        return PLACED_NO_EMPLOYEE_ID
    try:
        with transaction.atomic():
            profile = staff_create(
                employee_id=employee_id,
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                unit=unit,
                user=None,
            )
            audit_log(
                instance=profile,
                action="people.staff_placed_by_sso",
                user=account,
                data={"unit": unit.code, "employee_id": profile.employee_id},
            )
    except (ValidationError, PermissionDenied) as exc:
        log.warning("sso_unit_claim_refused", error=str(exc)[:300])
        return PLACED_REFUSED
    log.info("sso_unit_claim_placed", profile=profile.pk)
    return PLACED


# --- HR officers' scopes --------------------------------------------------------------------


def _require_institution_manager(user) -> None:
    # A scoped officer could otherwise widen their own reach (or anyone's).
    if user is not None and not user.has_perm("people.manage_institution"):
        raise PermissionDenied(_("Only HR for the whole institution can change scopes."))


@transaction.atomic
def hr_scope_add(*, officer: User, unit: OrgUnit, user=None) -> HRScope:
    """Limit an HR officer to `unit` and its sub-units (added to their other scopes)."""
    _require_institution_manager(user)
    if not has_role(officer, Role.HR):
        raise ValidationError({"officer": _("This person does not have the HR role.")})
    if HRScope.objects.filter(user=officer, unit=unit).exists():
        raise ValidationError({"unit": _("This officer already has this unit in scope.")})
    scope = HRScope.objects.create(user=officer, unit=unit)
    audit_log(
        instance=officer,
        action="people.hr_scope_added",
        user=user,
        data={"officer": officer.pk, "unit": unit.code},
    )
    return scope


@transaction.atomic
def hr_scope_remove(*, scope: HRScope, user=None) -> None:
    """Remove one scope. An officer left with none sees the whole institution again."""
    _require_institution_manager(user)
    audit_log(
        instance=scope.user,
        action="people.hr_scope_removed",
        user=user,
        data={"officer": scope.user_id, "unit": scope.unit.code},
    )
    scope.delete()
