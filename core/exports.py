"""Spreadsheet downloads (CSV and XLSX), the one way every export of the project is written.

Rows are any iterable (a database iterator, a generator) and are read only while the response
is sent, so memory stays flat however many rows there are: CSV goes straight to the client, XLSX
through openpyxl's write-only workbook into a temporary file. Every text cell is escaped against
formula injection (OWASP "CSV injection"); CSV starts with a BOM so that Excel reads UTF-8
accents correctly.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

# A cell starting with one of these runs as a formula (or a DDE command) in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def escape_cell(value: object) -> object:
    """A cell value a spreadsheet shows as text: None becomes empty, a text that would start a
    formula gets a leading apostrophe; numbers and dates are kept as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list, rows: Iterable[list]) -> Iterator[str]:
    """The CSV text, one line at a time: BOM, header, then each escaped row."""
    writer = csv.writer(_Echo())
    yield BOM
    yield writer.writerow([escape_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([escape_cell(v) for v in row])


def csv_response(filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """A streamed CSV download of `header` and `rows`."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, header: list, rows: Iterable[list]) -> FileResponse:
    """An XLSX download of `header` and `rows`, built by a write-only workbook on disk."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([escape_cell(v) for v in header])
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def spreadsheet_response(
    *, fmt: str, name: str, header: list, rows: Iterable[list]
) -> StreamingHttpResponse | FileResponse:
    """`name`.xlsx when `fmt` is "xlsx", otherwise `name`.csv."""
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)
