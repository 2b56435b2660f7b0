"""Limits on uploaded spreadsheets and text files, checked before anything parses them.

A spreadsheet is a ZIP of XML: 785 KB of XLSX can expand to hundreds of megabytes and hold a
worker for minutes. `validate_tabular_upload` refuses such a file from the zip's own directory
(`infolist()`: declared sizes and compression ratio), then counts rows by streaming each sheet's
XML at most up to its size limit; a CSV is limited by bytes and lines. `validate_text_upload`
does the same for plain text imports (GIFT, Aiken). Limits are settings (UPLOAD_*).
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def _too_big(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)},
        code="too_big",
    )


def _too_many_rows(max_rows: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(rows)s rows. Split it into smaller files.")
        % {"rows": f"{max_rows:,}".replace(",", ".")},
        code="too_many_rows",
    )


def _count_lines(upload, *, max_rows: int) -> None:
    lines = 0
    last = b""
    for chunk in upload.chunks(CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if lines > max_rows:
            raise _too_many_rows(max_rows)
    if last and last != b"\n":
        lines += 1
    if lines > max_rows:
        raise _too_many_rows(max_rows)
    upload.seek(0)


def _count_sheet_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_rows: int) -> int:
    """Rows of one worksheet, streaming its XML (never more than its declared size)."""
    rows, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            rows += data.count(b"<row ") + data.count(b"<row>")
            # Four bytes carry a tag split across chunks and never hold a whole (5-byte) one.
            tail = data[-4:]
            if rows > max_rows:
                raise _too_many_rows(max_rows)
    return rows


def _validate_xlsx(upload, *, max_rows: int) -> None:
    max_total = _limit("UPLOAD_MAX_UNCOMPRESSED_BYTES")
    max_ratio = _limit("UPLOAD_MAX_COMPRESSION_RATIO")
    max_sheet = _limit("UPLOAD_MAX_SHEET_XML_BYTES")
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            _("The file is not a valid XLSX workbook. Save it again as .xlsx or as CSV."),
            code="invalid",
        ) from None
    unsafe = ValidationError(
        _(
            "The workbook expands to more than %(size)s when opened, or is compressed in an "
            "unusual way. Save it as CSV or split it into smaller files."
        )
        % {"size": filesizeformat(max_total)},
        code="too_big_uncompressed",
    )
    if len(members) > 10_000:
        raise unsafe
    total = 0
    for info in members:
        total += info.file_size
        if total > max_total:
            raise unsafe
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise unsafe
        if info.filename.startswith("xl/worksheets/") and info.file_size > max_sheet:
            raise unsafe
    rows = 0
    try:
        for info in members:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                rows += _count_sheet_rows(archive, info, max_rows=max_rows - rows)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise ValidationError(
            _("The file is not a valid XLSX workbook. Save it again as .xlsx or as CSV."),
            code="invalid",
        ) from None
    finally:
        archive.close()
    upload.seek(0)


def validate_tabular_upload(upload, *, max_bytes: int | None = None) -> None:
    """Refuse a CSV or XLSX upload over the size, expansion or row limits (ValidationError
    with a message for the person who uploaded it). Reads no more than the limits allow and
    leaves the file at its start."""
    max_bytes = max_bytes or _limit("UPLOAD_MAX_BYTES")
    max_rows = _limit("UPLOAD_MAX_ROWS")
    if upload.size > max_bytes:
        raise _too_big(max_bytes)
    if upload.name.lower().endswith(SPREADSHEET_SUFFIXES):
        _validate_xlsx(upload, max_rows=max_rows)
    else:
        _count_lines(upload, max_rows=max_rows)


def validate_text_upload(upload, *, max_bytes: int, max_lines: int | None = None) -> None:
    """Refuse a plain-text upload (GIFT, Aiken) over its byte or line limit."""
    if upload.size > max_bytes:
        raise _too_big(max_bytes)
    _count_lines(upload, max_rows=max_lines or _limit("UPLOAD_MAX_ROWS"))
