"""Upload limits (core.uploads): a spreadsheet or CSV over its size, expansion or row limits is
refused from the zip's directory or by streaming, before any parser sees it."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.uploads import validate_tabular_upload, validate_text_upload

MB = 1024 * 1024


def zip_bomb(*, sheet_mb: int = 200, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A workbook-shaped ZIP whose one sheet expands to `sheet_mb` MB (a few hundred KB on
    disk), like the 785 KB XLSX that expanded to 202 MB."""
    buffer = io.BytesIO()
    row = b'<row r="1"><c r="A1"><v>0</v></c></row>'
    chunk = row * (MB // len(row))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(name, "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            for _ in range(sheet_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def xlsx(rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["cedula", "nombres"])
    for n in range(rows):
        sheet.append([f"17{n:08d}", f"Persona {n}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_tabular_upload(upload(name, content))
    return caught.value


def test_zip_bomb_is_refused_from_the_directory_without_expanding_it():
    bomb = zip_bomb()
    assert len(bomb) < 2 * MB
    started = time.perf_counter()
    error = refusal("personal.xlsx", bomb)
    assert time.perf_counter() - started < 0.5
    assert error.code == "too_big_uncompressed"


def test_highly_compressed_part_under_the_total_is_refused():
    error = refusal("personal.xlsx", zip_bomb(sheet_mb=20))  # 20 MB, ratio far above 100
    assert error.code == "too_big_uncompressed"


def test_ordinary_workbook_passes_and_is_left_at_its_start():
    file = upload("personal.xlsx", xlsx(200))
    validate_tabular_upload(file)
    assert file.tell() == 0
    assert file.read(2) == b"PK"


def test_workbook_with_too_many_rows_is_refused(settings):
    settings.UPLOAD_MAX_ROWS = 100
    validate_tabular_upload(upload("personal.xlsx", xlsx(98)))  # 99 rows with the header
    assert refusal("personal.xlsx", xlsx(101)).code == "too_many_rows"


def test_csv_byte_and_row_limits(settings):
    settings.UPLOAD_MAX_ROWS = 3
    validate_tabular_upload(upload("personal.csv", b"cedula\n1\n2"))
    assert refusal("personal.csv", b"cedula\n1\n2\n3\n").code == "too_many_rows"
    settings.UPLOAD_MAX_BYTES = 10
    assert refusal("personal.csv", b"cedula\n1\n2\n").code == "too_big"


def test_not_a_zip_is_a_clear_error():
    assert refusal("personal.xlsx", b"cedula,nombres\n").code == "invalid"


def test_text_upload_limits():
    validate_text_upload(upload("banco.gift", b"::P1:: Pregunta {T}\n"), max_bytes=100)
    with pytest.raises(ValidationError):
        validate_text_upload(upload("banco.gift", b"x" * 101), max_bytes=100)
    with pytest.raises(ValidationError):
        validate_text_upload(upload("banco.gift", b"\n" * 11), max_bytes=100, max_lines=10)


def test_messages_are_in_spanish():
    from django.utils import translation

    with translation.override("es"):
        error = refusal("personal.xlsx", zip_bomb(sheet_mb=70))
    assert "se descomprime" in error.messages[0]
