"""Reading the HR system's export (CSV or XLSX): the columns, their aliases and the cells.

Nothing here touches the database: `read_table` turns a file into a normalised header and
numbered rows, the cell helpers turn spreadsheet values into text, ids and dates.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ..models import StaffProfile

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


def cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_employee_id(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Spreadsheets turn cédulas into numbers and drop the leading zero (Guayas: 09...).
        return cell_text(value).zfill(10)
    return cell_text(value)


def cell_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def template_rows() -> list[list[str]]:
    return [COLUMNS, TEMPLATE_EXAMPLE]
