"""Validating an import against the database: what would be created, updated, marked as left.

`build_plan` reads the whole file and compares it with the staff table in plain tuples (10,000
profiles in a fraction of a second); it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.api import Role

from ..cedula import cedula_error
from ..models import OrgUnit, StaffProfile
from ..rules import is_admin, scope_paths, unit_in_scope
from .parse import (
    COLUMNS,
    REQUIRED_COLUMNS,
    STATUS_WORDS,
    ImportFileError,
    ParsedRow,
    RowError,
    cell_date,
    cell_employee_id,
    cell_text,
    read_table,
)

User = get_user_model()
BATCH = 900  # below SQLite's variable limit for IN (...) lists


@dataclass
class ImportPlan:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    to_create: list[ParsedRow] = field(default_factory=list)
    to_update: list[tuple[ParsedRow, int]] = field(default_factory=list)  # (row, profile pk)
    unchanged: int = 0
    to_mark_left: list[dict] = field(default_factory=list)  # EXISTING_FIELDS of each profile
    has_columns: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    def summary(self) -> dict:
        return {
            "rows": len(self.rows),
            "created": len(self.to_create),
            "updated": len(self.to_update),
            "unchanged": self.unchanged,
            "marked_left": len(self.to_mark_left),
        }

    def preview(self, limit: int = 200) -> dict:
        return {
            **self.summary(),
            "file_errors": self.file_errors,
            "errors": [e.as_dict() for e in self.errors[:limit]],
            "error_count": len(self.errors),
            "create_sample": [_row_label(r) for r in self.to_create[:20]],
            "update_sample": [_row_label(r) for r, _pk in self.to_update[:20]],
            "left_sample": [
                f"{p['employee_id']} · {p['user__first_name']} {p['user__last_name']}"
                for p in self.to_mark_left[:20]
            ],
        }


def _row_label(row: ParsedRow) -> str:
    return f"{row.employee_id} · {row.first_name} {row.last_name} · {row.unit_code}"


def build_plan(
    *, filename: str, content: bytes, mark_missing_left: bool = False, user=None
) -> ImportPlan:
    """Read and validate the whole file against the database; write nothing."""
    plan = ImportPlan()
    try:
        header, raw_rows = read_table(filename, content)
    except ImportFileError as exc:
        plan.file_errors.append(str(exc))
        return plan
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        plan.file_errors.append(
            _("Missing column(s): %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
        return plan
    if not raw_rows:
        plan.file_errors.append(_("The file has no rows below the header."))
        return plan
    plan.has_columns = set(header)
    index = {name: header.index(name) for name in COLUMNS if name in header}
    units = {u.code: u for u in OrgUnit.objects.all()}
    seen_ids: dict[str, int] = {}
    # A new person's cédula must be valid; one already stored (imported before the rule) is
    # recognised as it is, so re-importing the HR export does not stop on old rows.
    known_ids = set(StaffProfile.objects.values_list("employee_id", flat=True))
    seen_emails: dict[str, int] = {}

    def cell(cells, name):
        i = index.get(name)
        if i is None or i >= len(cells):
            return ""
        return cells[i]

    for line, cells in raw_rows:
        errors_before = len(plan.errors)

        def error(column, message, line=line):
            plan.errors.append(RowError(line, column, message))

        employee_id = cell_employee_id(cell(cells, "cedula"))
        first_name = cell_text(cell(cells, "nombres"))
        last_name = cell_text(cell(cells, "apellidos"))
        email = cell_text(cell(cells, "correo")).lower()
        unit_code = cell_text(cell(cells, "unidad")).lower()
        if not employee_id:
            error("cedula", _("The employee id is empty."))
        elif len(employee_id) > 20:
            error("cedula", _("The employee id is longer than 20 characters."))
        elif employee_id not in known_ids and (reason := cedula_error(employee_id)):
            error("cedula", reason)
        elif employee_id in seen_ids:
            error(
                "cedula",
                _("Duplicate employee id %(id)s (also on line %(line)s).")
                % {"id": employee_id, "line": seen_ids[employee_id]},
            )
        else:
            seen_ids[employee_id] = line
        if not first_name:
            error("nombres", _("The first names are empty."))
        if not last_name:
            error("apellidos", _("The last names are empty."))
        try:
            validate_email(email)
        except ValidationError:
            error("correo", _("Invalid e-mail address: “%(value)s”.") % {"value": email})
        else:
            if email in seen_emails:
                error(
                    "correo",
                    _("Duplicate e-mail address %(email)s (also on line %(line)s).")
                    % {"email": email, "line": seen_emails[email]},
                )
            else:
                seen_emails[email] = line
        unit = units.get(unit_code)
        if unit is None:
            error("unidad", _("Unknown unit code “%(code)s”.") % {"code": unit_code})
        elif user is not None and not unit_in_scope(user, unit):
            error("unidad", _("The unit “%(code)s” is outside your scope.") % {"code": unit_code})
        start_date = end_date = None
        for column in ("fecha_ingreso", "fecha_salida"):
            raw = cell(cells, column)
            if cell_text(raw):
                try:
                    parsed = cell_date(raw)
                except ValueError:
                    error(
                        column,
                        _("Invalid date “%(value)s” (use AAAA-MM-DD or DD/MM/AAAA).")
                        % {"value": cell_text(raw)},
                    )
                else:
                    if column == "fecha_ingreso":
                        start_date = parsed
                    else:
                        end_date = parsed
        status_word = cell_text(cell(cells, "estado")).lower()
        status = STATUS_WORDS.get(status_word, "invalid")
        if status == "invalid":
            error(
                "estado",
                _("Unknown status “%(value)s” (use activo, saliendo or retirado).")
                % {"value": status_word},
            )
        elif status == StaffProfile.Status.LEAVING and end_date is None:
            error("fecha_salida", _("A person who is leaving needs the last day (fecha_salida)."))
        manager_id = cell_employee_id(cell(cells, "jefe")) if "jefe" in index else None
        if manager_id and manager_id == employee_id:
            error("jefe", _("A person cannot be their own manager."))
        if len(plan.errors) == errors_before:
            plan.rows.append(
                ParsedRow(
                    line=line,
                    employee_id=employee_id,
                    first_name=first_name[:150],
                    last_name=last_name[:150],
                    email=email,
                    unit_code=unit_code,
                    position=cell_text(cell(cells, "cargo"))[:200] if "cargo" in index else None,
                    manager_id=manager_id,
                    start_date=start_date,
                    status=status,
                    end_date=end_date,
                )
            )
    _compare_with_database(plan, units, mark_missing_left, user)
    return plan


def chunked(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


EXISTING_FIELDS = [
    "pk",
    "employee_id",
    "user_id",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__is_active",
    "unit_id",
    "unit__path",
    "position",
    "status",
    "start_date",
    "end_date",
    "manager__employee_id",
    "user__last_login",
    "user__password",
    "user__is_staff",
    "user__is_superuser",
]


def _role_holders() -> tuple[set[int], set[int]]:
    """User ids holding a role other than Funcionario, and those holding Administrador."""
    other, admins = set(), set()
    memberships = User.groups.through.objects.exclude(group__name=Role.LEARNER.value)
    for user_id, group in memberships.values_list("user_id", "group__name").iterator(2000):
        other.add(user_id)
        if group == Role.ADMIN.value:
            admins.add(user_id)
    return other, admins


def _compare_with_database(plan: ImportPlan, units, mark_missing_left: bool, user) -> None:
    # Plain tuples, not model instances: 10,000 profiles compare in a fraction of a second.
    existing = {
        row["employee_id"]: row
        for row in StaffProfile.objects.values(*EXISTING_FIELDS).iterator(2000)
    }
    file_ids = {r.employee_id for r in plan.rows}
    emails = [r.email for r in plan.rows]
    accounts: dict[str, tuple[int, str | None, bool]] = {}  # pk, employee id, staff/superuser
    for chunk in chunked(emails):
        for pk, email, employee_id, is_staff, is_superuser in User.objects.filter(
            email__in=chunk
        ).values_list("pk", "email", "staff_profile__employee_id", "is_staff", "is_superuser"):
            accounts[email.lower()] = (pk, employee_id, is_staff or is_superuser)
    other_role, admins = _role_holders()
    paths = None if user is None else _scope_paths(user)
    may_edit_privileged = user is None or is_admin(user)

    def error(row, column, message):
        plan.errors.append(RowError(row.line, column, message))

    for row in plan.rows:
        holder = accounts.get(row.email)
        if holder is not None and holder[1] is not None and holder[1] != row.employee_id:
            error(
                row,
                "correo",
                _("The e-mail address %(email)s belongs to the person with employee id %(id)s.")
                % {"email": row.email, "id": holder[1]},
            )
        if row.manager_id and row.manager_id not in file_ids and row.manager_id not in existing:
            error(row, "jefe", _("Unknown manager employee id %(id)s.") % {"id": row.manager_id})
        current = existing.get(row.employee_id)
        if current is None:
            # Attaching a profile to an existing account: only to a plain learner's (as single
            # sign-on creates them), never to an administrator's or a trainer's.
            if holder is not None and holder[1] is None and (holder[2] or holder[0] in other_role):
                error(row, "correo", _("An account with this e-mail address already exists."))
            plan.to_create.append(row)
            continue
        errors_before = len(plan.errors)
        _check_existing(row, current, paths, may_edit_privileged, other_role, admins, error)
        if len(plan.errors) > errors_before:
            continue
        if _differs(row, current, units):
            plan.to_update.append((row, current["pk"]))
        else:
            plan.unchanged += 1
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
    if mark_missing_left:
        plan.to_mark_left = [
            current
            for employee_id, current in existing.items()
            if employee_id not in file_ids
            and current["status"] != StaffProfile.Status.LEFT
            and (paths is None or any(current["unit__path"].startswith(p) for p in paths))
            and (may_edit_privileged or not _privileged(current, admins))
        ]


def _privileged(current: dict, admins: set[int]) -> bool:
    return bool(current["user__is_staff"] or current["user__is_superuser"]) or (
        current["user_id"] in admins
    )


def _check_existing(row, current, paths, may_edit_privileged, other_role, admins, error) -> None:
    """Refusals for a row naming someone who already has a profile: outside the importer's
    scope, a privileged account for an importer who is not an administrator, or a new e-mail
    for an account that has signed in or holds any role beyond Funcionario."""
    if paths is not None and not any(current["unit__path"].startswith(p) for p in paths):
        error(
            row,
            "cedula",
            _("The person with employee id %(id)s works in a unit outside your scope.")
            % {"id": row.employee_id},
        )
        return
    if not may_edit_privileged and _privileged(current, admins):
        error(
            row,
            "cedula",
            _("Only an administrator changes the profile of a staff or administrator account."),
        )
        return
    if current["user__email"].lower() != row.email and (
        current["user__last_login"] is not None
        or _has_password(current)
        or _privileged(current, admins)
        or current["user_id"] in other_role
    ):
        error(
            row,
            "correo",
            _(
                "The e-mail address of %(id)s cannot be changed by an import: the account has "
                "a password, has signed in or holds another role."
            )
            % {"id": row.employee_id},
        )


def _has_password(current: dict) -> bool:
    # Django marks an unusable password (an SSO-only account) with this prefix.
    return bool(current["user__password"]) and not current["user__password"].startswith(
        UNUSABLE_PASSWORD_PREFIX
    )


def _scope_paths(user) -> list[str] | None:
    return None if is_admin(user) else scope_paths(user)


def _differs(row: ParsedRow, current: dict, units) -> bool:
    names = (
        current["user__first_name"],
        current["user__last_name"],
        current["user__email"].lower(),
    )
    if names != (row.first_name, row.last_name, row.email):
        return True
    if current["unit_id"] != units[row.unit_code].pk:
        return True
    if row.position is not None and row.position != current["position"]:
        return True
    if row.start_date is not None and row.start_date != current["start_date"]:
        return True
    if row.status is not None and row.status != current["status"]:
        return True
    if row.end_date is not None and row.end_date != current["end_date"]:
        return True
    manager_id = current["manager__employee_id"] or ""
    return row.manager_id is not None and row.manager_id != manager_id
