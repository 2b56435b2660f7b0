"""Staff import from the HR system's export (CSV or XLSX): parse, validate, preview, apply.

All or nothing: the file is validated completely before anything is written, and applying
runs in one transaction with bulk queries (10,000 rows in seconds). The uploaded file is kept
in a StaffImport row between the preview and the confirmation.
"""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.roles import Role

from .models import OrgUnit, StaffImport, StaffProfile
from .rules import unit_in_scope

User = get_user_model()

COLUMNS = [
    "cedula",
    "nombres",
    "apellidos",
    "correo",
    "unidad",
    "cargo",
    "jefe",
    "fecha_ingreso",
    "estado",
    "fecha_salida",
]
REQUIRED_COLUMNS = ["cedula", "nombres", "apellidos", "correo", "unidad"]
ALIASES = {
    "cedula_de_identidad": "cedula",
    "identificacion": "cedula",
    "email": "correo",
    "correo_electronico": "correo",
    "codigo_unidad": "unidad",
    "puesto": "cargo",
    "cedula_jefe": "jefe",
}
STATUS_WORDS = {
    "": None,
    "activo": StaffProfile.Status.ACTIVE,
    "activa": StaffProfile.Status.ACTIVE,
    "active": StaffProfile.Status.ACTIVE,
    "saliendo": StaffProfile.Status.LEAVING,
    "por salir": StaffProfile.Status.LEAVING,
    "leaving": StaffProfile.Status.LEAVING,
    "inactivo": StaffProfile.Status.LEFT,
    "inactiva": StaffProfile.Status.LEFT,
    "retirado": StaffProfile.Status.LEFT,
    "retirada": StaffProfile.Status.LEFT,
    "desvinculado": StaffProfile.Status.LEFT,
    "desvinculada": StaffProfile.Status.LEFT,
    "left": StaffProfile.Status.LEFT,
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"]
TEMPLATE_EXAMPLE = [
    "1712345678",
    "María José",
    "Andrade Pérez",
    "maria.andrade@cancilleria.gob.ec",
    "dsm",
    "Analista de servicios migratorios",
    "1712345613",
    "2024-03-01",
    "activo",
    "",
]
BATCH = 900  # below SQLite's variable limit for IN (...) lists


class ImportFileError(Exception):
    """The file cannot be read as a table with the expected columns."""


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    line: int
    employee_id: str
    first_name: str
    last_name: str
    email: str
    unit_code: str
    position: str | None
    manager_id: str | None  # employee id of the manager; None: column absent
    start_date: date | None
    status: str | None
    end_date: date | None


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


# --- reading ----------------------------------------------------------------------------------


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = "_".join(text.strip().lower().replace("-", " ").split())
    return ALIASES.get(text, text)


def decode_csv(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Header names (normalised) and (line number, cells) for each non-empty row."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(decode_csv(content))


def _read_csv(text: str):
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    header = None
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [normalise_header(c) for c in cells]
            continue
        rows.append((number, cells))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return header, rows


def _read_xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_("The file is not a valid CSV or XLSX spreadsheet."))
    sheet = workbook.worksheets[0]
    header = None
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if not any(str(c).strip() for c in cells):
            continue
        if header is None:
            header = [normalise_header(c) for c in cells]
            continue
        rows.append((number, cells))
    workbook.close()
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return header, rows


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _employee_id(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Spreadsheets turn cédulas into numbers and drop the leading zero (Guayas: 09...).
        return _text(value).zfill(10)
    return _text(value)


def _parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# --- validating -------------------------------------------------------------------------------


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

        employee_id = _employee_id(cell(cells, "cedula"))
        first_name = _text(cell(cells, "nombres"))
        last_name = _text(cell(cells, "apellidos"))
        email = _text(cell(cells, "correo")).lower()
        unit_code = _text(cell(cells, "unidad")).lower()
        if not employee_id:
            error("cedula", _("The employee id is empty."))
        elif len(employee_id) > 20:
            error("cedula", _("The employee id is longer than 20 characters."))
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
            if _text(raw):
                try:
                    parsed = _parse_date(raw)
                except ValueError:
                    error(
                        column,
                        _("Invalid date “%(value)s” (use AAAA-MM-DD or DD/MM/AAAA).")
                        % {"value": _text(raw)},
                    )
                else:
                    if column == "fecha_ingreso":
                        start_date = parsed
                    else:
                        end_date = parsed
        status_word = _text(cell(cells, "estado")).lower()
        status = STATUS_WORDS.get(status_word, "invalid")
        if status == "invalid":
            error(
                "estado",
                _("Unknown status “%(value)s” (use activo, saliendo or retirado).")
                % {"value": status_word},
            )
        elif status == StaffProfile.Status.LEAVING and end_date is None:
            error("fecha_salida", _("A person who is leaving needs the last day (fecha_salida)."))
        manager_id = _employee_id(cell(cells, "jefe")) if "jefe" in index else None
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
                    position=_text(cell(cells, "cargo"))[:200] if "cargo" in index else None,
                    manager_id=manager_id,
                    start_date=start_date,
                    status=status,
                    end_date=end_date,
                )
            )
    _compare_with_database(plan, units, mark_missing_left, user)
    return plan


def _chunks(items: list, size: int = BATCH):
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
]


def _compare_with_database(plan: ImportPlan, units, mark_missing_left: bool, user) -> None:
    # Plain tuples, not model instances: 10,000 profiles compare in a fraction of a second.
    existing = {
        row["employee_id"]: row
        for row in StaffProfile.objects.values(*EXISTING_FIELDS).iterator(2000)
    }
    file_ids = {r.employee_id for r in plan.rows}
    emails = [r.email for r in plan.rows]
    accounts: dict[str, tuple[int, str | None]] = {}
    for chunk in _chunks(emails):
        for pk, email, employee_id in User.objects.filter(email__in=chunk).values_list(
            "pk", "email", "staff_profile__employee_id"
        ):
            accounts[email.lower()] = (pk, employee_id)
    for row in plan.rows:
        holder = accounts.get(row.email)
        if holder is not None and holder[1] is not None and holder[1] != row.employee_id:
            plan.errors.append(
                RowError(
                    row.line,
                    "correo",
                    _("The e-mail address %(email)s belongs to the person with employee id %(id)s.")
                    % {"email": row.email, "id": holder[1]},
                )
            )
        if row.manager_id and row.manager_id not in file_ids and row.manager_id not in existing:
            plan.errors.append(
                RowError(
                    row.line,
                    "jefe",
                    _("Unknown manager employee id %(id)s.") % {"id": row.manager_id},
                )
            )
        current = existing.get(row.employee_id)
        if current is None:
            plan.to_create.append(row)
        elif _differs(row, current, units):
            plan.to_update.append((row, current["pk"]))
        else:
            plan.unchanged += 1
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
    if mark_missing_left:
        paths = None if user is None else _scope_paths(user)
        plan.to_mark_left = [
            current
            for employee_id, current in existing.items()
            if employee_id not in file_ids
            and current["status"] != StaffProfile.Status.LEFT
            and (paths is None or any(current["unit__path"].startswith(p) for p in paths))
        ]


def _scope_paths(user) -> list[str] | None:
    from .rules import is_admin, scope_paths

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


# --- applying ---------------------------------------------------------------------------------


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


def apply_plan(plan: ImportPlan, user=None) -> dict:
    from .services import _announce_move, _announce_status, _enqueue_requirements_sync

    today = timezone.localdate()
    units = {u.code: u for u in OrgUnit.objects.all()}
    now = timezone.now()

    # 1. Accounts for new people (or existing accounts without a profile, e.g. an admin).
    new_emails = [r.email for r in plan.to_create]
    accounts: dict[str, int] = {}
    for chunk in _chunks(new_emails):
        accounts.update(
            {
                e.lower(): pk
                for e, pk in User.objects.filter(email__in=chunk).values_list("email", "pk")
            }
        )
    new_users = [
        User(
            email=r.email,
            first_name=r.first_name,
            last_name=r.last_name,
            language="es",
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            is_active=r.status != StaffProfile.Status.LEFT,
            date_joined=now,
        )
        for r in plan.to_create
        if r.email not in accounts
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    created_emails = [u.email for u in new_users]
    for chunk in _chunks(created_emails):
        accounts.update(
            {
                e.lower(): pk
                for e, pk in User.objects.filter(email__in=chunk).values_list("email", "pk")
            }
        )
    created_ids = [accounts[e] for e in created_emails]
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
            [through(user_id=pk, group_id=learner_group.pk) for pk in created_ids],
            batch_size=1000,
            ignore_conflicts=True,
        )

    # 2. Profiles.
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
            for r in plan.to_create
        ],
        batch_size=1000,
    )
    changed_users, changed_profiles, new_addresses = [], [], []
    deactivated, status_events, moves = [], [], []
    instances = {}
    for chunk in _chunks([pk for _row, pk in plan.to_update]):
        instances.update(StaffProfile.objects.select_related("user", "unit").in_bulk(chunk))
    for row, pk in plan.to_update:
        profile = instances[pk]
        account = profile.user
        if account.email.lower() != row.email:
            new_addresses.append(
                EmailAddress(user_id=account.pk, email=row.email, verified=True, primary=True)
            )
        account.first_name, account.last_name, account.email = (
            row.first_name,
            row.last_name,
            row.email,
        )
        new_unit = units[row.unit_code]
        if profile.unit_id != new_unit.pk:
            moves.append((profile, profile.unit, new_unit))
            profile.placed_on = today
        elif row.position is not None and row.position.lower() != (profile.position or "").lower():
            profile.placed_on = today
        profile.unit = new_unit
        if row.position is not None:
            profile.position = row.position
        if row.start_date is not None:
            profile.start_date = row.start_date
        if row.status is not None and row.status != profile.status:
            status_events.append((profile, profile.status, row.status))
            profile.status = row.status
            if row.status == StaffProfile.Status.ACTIVE:
                profile.end_date = None
            elif row.status == StaffProfile.Status.LEFT:
                profile.end_date = row.end_date or profile.end_date or today
        if row.end_date is not None and profile.status != StaffProfile.Status.ACTIVE:
            profile.end_date = row.end_date
        if profile.status == StaffProfile.Status.LEFT and account.is_active:
            account.is_active = False
            deactivated.append(account.pk)
        elif profile.status != StaffProfile.Status.LEFT and not account.is_active:
            account.is_active = True
        profile.updated_at = now
        changed_users.append(account)
        changed_profiles.append(profile)
    leaving_ids = [p["pk"] for p in plan.to_mark_left]
    for chunk in _chunks(leaving_ids):
        StaffProfile.objects.filter(pk__in=chunk, end_date__isnull=True).update(end_date=today)
        StaffProfile.objects.filter(pk__in=chunk).update(
            status=StaffProfile.Status.LEFT, updated_at=now
        )
    left_users = [p["user_id"] for p in plan.to_mark_left if p["user__is_active"]]
    for chunk in _chunks(left_users):
        User.objects.filter(pk__in=chunk).update(is_active=False)
    deactivated += left_users
    if plan.to_mark_left:
        old_status = {p["pk"]: p["status"] for p in plan.to_mark_left}
        for chunk in _chunks(leaving_ids):
            for profile in StaffProfile.objects.filter(pk__in=chunk).select_related("user"):
                status_events.append((profile, old_status[profile.pk], StaffProfile.Status.LEFT))
    User.objects.bulk_update(
        changed_users, ["first_name", "last_name", "email", "is_active"], batch_size=1000
    )
    if new_addresses:
        EmailAddress.objects.filter(user_id__in=[a.user_id for a in new_addresses]).delete()
        EmailAddress.objects.bulk_create(new_addresses, batch_size=1000, ignore_conflicts=True)
    StaffProfile.objects.bulk_update(
        changed_profiles,
        ["unit", "position", "status", "start_date", "end_date", "placed_on", "updated_at"],
        batch_size=1000,
    )

    # 3. Managers, once every profile exists.
    wanted = {r.employee_id: r.manager_id for r in plan.rows if r.manager_id is not None}
    if wanted:
        ids_needed = set(wanted) | {m for m in wanted.values() if m}
        by_employee: dict[str, tuple[int, int | None]] = {}
        for chunk in _chunks(list(ids_needed)):
            for pk, employee_id, manager_pk in StaffProfile.objects.filter(
                employee_id__in=chunk
            ).values_list("pk", "employee_id", "manager_id"):
                by_employee[employee_id] = (pk, manager_pk)
        # One UPDATE per manager (a CASE over 10,000 rows is slow to build and to run).
        by_target: dict[int | None, list[int]] = {}
        for employee_id, manager_employee_id in wanted.items():
            pk, current = by_employee[employee_id]
            target = by_employee[manager_employee_id][0] if manager_employee_id else None
            if current != target:
                by_target.setdefault(target, []).append(pk)
        for target, pks in by_target.items():
            for chunk in _chunks(pks):
                StaffProfile.objects.filter(pk__in=chunk).update(manager_id=target)
        if by_target:
            from .rules import manager_flag_forget

            manager_flag_forget(
                *StaffProfile.objects.filter(pk__in=[t for t in by_target if t]).values_list(
                    "user_id", flat=True
                )
            )

    # 4. After commit: sign out the people who left, announce departures and moves, and let
    # new and moved people pick up their requirements.
    if deactivated:
        from .services import sessions_end

        transaction.on_commit(lambda: sessions_end(user_ids=deactivated))
    for profile, old, new in status_events:
        if new in (StaffProfile.Status.LEAVING, StaffProfile.Status.LEFT) or old != new:
            _announce_status(profile, old, new)
    for profile, old_unit, new_unit in moves:
        _announce_move(profile, old_unit, new_unit)
    if plan.to_create or moves:
        _enqueue_requirements_sync(f"import:{now.isoformat()}")
    return plan.summary()


def template_rows() -> list[list[str]]:
    return [COLUMNS, TEMPLATE_EXAMPLE]
