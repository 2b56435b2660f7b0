"""Applying a validated import: one transaction, bulk queries, the status rule of the services.

All or nothing: `staff_import_apply` re-validates the kept file and applies it in one
transaction; any error leaves the database as it was.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import Role, account_email_changed_notify, audit_log

from ..cache import compliance_changed
from ..models import OrgUnit, StaffImport, StaffProfile
from ..rules import manager_flag_forget
from ..services import (
    _announce_move,
    _announce_status,
    _enqueue_requirements_sync,
    account_follow_status,
    sessions_end,
    staff_status_change,
)
from .parse import ParsedRow
from .plan import ImportPlan, build_plan, chunked

User = get_user_model()


def staff_import_preview(
    *, filename: str, content: bytes, mark_missing_left: bool = False, user=None
) -> StaffImport:
    """Validate an upload and keep it (with its preview) for confirmation."""
    plan = build_plan(
        filename=filename, content=content, mark_missing_left=mark_missing_left, user=user
    )
    return StaffImport.objects.create(
        filename=filename[:255],
        content=content,
        mark_missing_left=mark_missing_left,
        preview=plan.preview(),
        status=StaffImport.Status.PREVIEWED if plan.ok else StaffImport.Status.REJECTED,
        uploaded_by=user,
    )


@transaction.atomic
def staff_import_apply(*, staff_import: StaffImport, user=None) -> dict:
    """Apply a previewed import in one transaction; any error leaves the database as it was.

    Returns the summary: created, updated, unchanged, marked_left."""
    staff_import = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
    if staff_import.status != StaffImport.Status.PREVIEWED:
        raise ValidationError(_("This import was already applied or has errors."))
    plan = build_plan(
        filename=staff_import.filename,
        content=bytes(staff_import.content),
        mark_missing_left=staff_import.mark_missing_left,
        user=user,
    )
    if not plan.ok:
        raise ValidationError(
            _("The file has errors; nothing was imported. Upload it again after fixing them.")
        )
    summary = apply_plan(plan, user=user)
    staff_import.status = StaffImport.Status.APPLIED
    staff_import.summary = summary
    staff_import.applied_at = timezone.now()
    staff_import.save(update_fields=["status", "summary", "applied_at"])
    audit_log(
        instance=staff_import,
        action="people.import_applied",
        user=user,
        data={**summary, "filename": staff_import.filename},
    )
    return summary


def import_file(
    *, filename: str, content: bytes, mark_missing_left: bool = False, dry_run: bool = False
) -> tuple[ImportPlan, dict | None]:
    """For the management command: validate, then apply unless dry_run or errors."""
    with transaction.atomic():
        plan = build_plan(filename=filename, content=content, mark_missing_left=mark_missing_left)
        if dry_run or not plan.ok:
            return plan, None
        summary = apply_plan(plan)
        staff_import = StaffImport.objects.create(
            filename=filename[:255],
            content=b"",
            mark_missing_left=mark_missing_left,
            status=StaffImport.Status.APPLIED,
            preview=plan.preview(limit=0),
            summary=summary,
            applied_at=timezone.now(),
        )
        audit_log(
            instance=staff_import,
            action="people.import_applied",
            data={**summary, "filename": filename},
        )
        return plan, summary


@dataclass
class _Changes:
    """What applying collects before the bulk writes and the after-commit announcements."""

    today: date
    now: datetime
    users: list = field(default_factory=list)
    profiles: list[StaffProfile] = field(default_factory=list)
    addresses: list[EmailAddress] = field(default_factory=list)
    deactivated: list[int] = field(default_factory=list)
    status_events: list[tuple[StaffProfile, str, str]] = field(default_factory=list)
    moves: list[tuple[StaffProfile, OrgUnit, OrgUnit]] = field(default_factory=list)

    def status_set(self, profile: StaffProfile, *, status: str, end_date: date | None) -> None:
        """The services' status rule (staff_status_change), recorded for the announcements."""
        if status != profile.status:
            self.status_events.append((profile, profile.status, status))
        staff_status_change(profile, status=status, end_date=end_date, today=self.today)

    def keep(self, profile: StaffProfile) -> None:
        if account_follow_status(profile.user, status=profile.status) == "deactivated":
            self.deactivated.append(profile.user_id)
        profile.updated_at = self.now
        self.users.append(profile.user)
        self.profiles.append(profile)


def apply_plan(plan: ImportPlan, user=None) -> dict:
    """Write a validated plan in bulk (the caller holds the transaction)."""
    # Bulk writes send no signals: the dashboard's cached figures are forgotten here.
    compliance_changed()
    units = {u.code: u for u in OrgUnit.objects.all()}
    changes = _Changes(today=timezone.localdate(), now=timezone.now())
    _people_create(plan.to_create, units, changes)
    _people_update(plan.to_update, units, changes)
    _people_mark_left(plan.to_mark_left, changes)
    User.objects.bulk_update(
        changes.users, ["first_name", "last_name", "email", "is_active"], batch_size=1000
    )
    if changes.addresses:
        EmailAddress.objects.filter(user_id__in=[a.user_id for a in changes.addresses]).delete()
        EmailAddress.objects.bulk_create(changes.addresses, batch_size=1000, ignore_conflicts=True)
    StaffProfile.objects.bulk_update(
        changes.profiles,
        ["unit", "position", "status", "start_date", "end_date", "placed_on", "updated_at"],
        batch_size=1000,
    )
    _managers_set(plan.rows)
    # After commit: sign out the people who left, announce departures and moves, and let new
    # and moved people pick up their requirements.
    if changes.deactivated:
        transaction.on_commit(lambda: sessions_end(user_ids=changes.deactivated))
    for profile, old, new in changes.status_events:
        _announce_status(profile, old, new)
    for profile, old_unit, new_unit in changes.moves:
        _announce_move(profile, old_unit, new_unit)
    if plan.to_create or changes.moves:
        _enqueue_requirements_sync(f"import:{changes.now.isoformat()}")
    return plan.summary()


def _account_ids(emails: list[str]) -> dict[str, int]:
    accounts: dict[str, int] = {}
    for chunk in chunked(emails):
        accounts.update(
            {
                e.lower(): pk
                for e, pk in User.objects.filter(email__in=chunk).values_list("email", "pk")
            }
        )
    return accounts


def _people_create(rows: list[ParsedRow], units: dict, changes: _Changes) -> None:
    """Accounts (unless one exists without a profile, e.g. an admin's) and profiles."""
    today = changes.today
    accounts = _account_ids([r.email for r in rows])
    new_users = [
        User(
            email=r.email,
            first_name=r.first_name,
            last_name=r.last_name,
            language="es",
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            is_active=r.status != StaffProfile.Status.LEFT,
            date_joined=changes.now,
        )
        for r in rows
        if r.email not in accounts
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    created_emails = [u.email for u in new_users]
    accounts.update(_account_ids(created_emails))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=accounts[e], email=e, verified=True, primary=True)
            for e in created_emails
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    learner_group = Group.objects.filter(name=Role.LEARNER.value).first()
    if learner_group is not None:
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=accounts[e], group_id=learner_group.pk) for e in created_emails],
            batch_size=1000,
            ignore_conflicts=True,
        )
    StaffProfile.objects.bulk_create(
        [
            StaffProfile(
                user_id=accounts[r.email],
                employee_id=r.employee_id,
                unit=units[r.unit_code],
                position=r.position or "",
                status=r.status or StaffProfile.Status.ACTIVE,
                start_date=r.start_date or today,
                placed_on=r.start_date or today,
                end_date=r.end_date
                if r.status in (StaffProfile.Status.LEAVING, StaffProfile.Status.LEFT)
                else None,
            )
            for r in rows
        ],
        batch_size=1000,
    )


def _people_update(rows: list[tuple[ParsedRow, int]], units: dict, changes: _Changes) -> None:
    instances = {}
    for chunk in chunked([pk for _row, pk in rows]):
        instances.update(StaffProfile.objects.select_related("user", "unit").in_bulk(chunk))
    for row, pk in rows:
        profile = instances[pk]
        account = profile.user
        if account.email.lower() != row.email:
            # bulk_update sends no post_save: the old address hears of the change here.
            account_email_changed_notify(
                account=account, old_email=account.email, new_email=row.email
            )
            changes.addresses.append(
                EmailAddress(user_id=account.pk, email=row.email, verified=True, primary=True)
            )
        account.first_name, account.last_name, account.email = (
            row.first_name,
            row.last_name,
            row.email,
        )
        new_unit = units[row.unit_code]
        if profile.unit_id != new_unit.pk:
            changes.moves.append((profile, profile.unit, new_unit))
            profile.placed_on = changes.today
        elif row.position is not None and row.position.lower() != (profile.position or "").lower():
            profile.placed_on = changes.today
        profile.unit = new_unit
        if row.position is not None:
            profile.position = row.position
        if row.start_date is not None:
            profile.start_date = row.start_date
        if row.status is not None and row.status != profile.status:
            changes.status_set(profile, status=row.status, end_date=row.end_date)
        elif row.end_date is not None and profile.status != StaffProfile.Status.ACTIVE:
            changes.status_set(profile, status=profile.status, end_date=row.end_date)
        changes.keep(profile)


def _people_mark_left(missing: list[dict], changes: _Changes) -> None:
    """People a full export no longer lists have left."""
    for chunk in chunked([p["pk"] for p in missing]):
        for profile in StaffProfile.objects.filter(pk__in=chunk).select_related("user"):
            changes.status_set(profile, status=StaffProfile.Status.LEFT, end_date=None)
            changes.keep(profile)


def _managers_set(rows: list[ParsedRow]) -> None:
    """Managers, once every profile exists: one UPDATE per manager (a CASE over 10,000 rows is
    slow to build and to run)."""
    wanted = {r.employee_id: r.manager_id for r in rows if r.manager_id is not None}
    if not wanted:
        return
    ids_needed = set(wanted) | {m for m in wanted.values() if m}
    by_employee: dict[str, tuple[int, int | None]] = {}
    for chunk in chunked(list(ids_needed)):
        for pk, employee_id, manager_pk in StaffProfile.objects.filter(
            employee_id__in=chunk
        ).values_list("pk", "employee_id", "manager_id"):
            by_employee[employee_id] = (pk, manager_pk)
    by_target: dict[int | None, list[int]] = {}
    for employee_id, manager_employee_id in wanted.items():
        pk, current = by_employee[employee_id]
        target = by_employee[manager_employee_id][0] if manager_employee_id else None
        if current != target:
            by_target.setdefault(target, []).append(pk)
    for target, pks in by_target.items():
        for chunk in chunked(pks):
            StaffProfile.objects.filter(pk__in=chunk).update(manager_id=target)
    if by_target:
        manager_flag_forget(
            *StaffProfile.objects.filter(pk__in=[t for t in by_target if t]).values_list(
                "user_id", flat=True
            )
        )
