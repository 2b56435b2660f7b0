import csv
import io
import tracemalloc
from datetime import date

import pytest
from openpyxl import load_workbook

from core import exports


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Normal", "Normal"),
        ("a=b", "a=b"),
        (None, ""),
        (5, 5),
        (-2, -2),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_escape_cell_neutralises_formulas_and_keeps_numbers(value, expected):
    assert exports.escape_cell(value) == expected


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_starts_with_a_bom_and_escapes_header_and_rows():
    response = exports.csv_response("x.csv", ["Nombre", "=Z"], [["=cmd", 3], ["Ñandú", None]])
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    text = _csv_text(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["Nombre", "'=Z"], ["'=cmd", "3"], ["Ñandú", ""]]


def test_csv_reads_rows_only_while_streaming():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [i]

    response = exports.csv_response("x.csv", ["n"], rows())
    assert consumed == []  # building the response reads nothing
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks), next(chunks)  # BOM, header, first row
    assert consumed == [0]
    list(chunks)
    assert consumed == [0, 1, 2]


def test_csv_memory_stays_flat_for_many_rows():
    rows = ([i, f"persona-{i}", "=x"] for i in range(200_000))
    response = exports.csv_response("x.csv", ["n", "nombre", "f"], rows)
    tracemalloc.start()
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert size > 4_000_000  # megabytes went out ...
    assert peak < 1_000_000  # ... while less than 1 MB was ever held


def test_xlsx_is_escaped_and_keeps_types():
    response = exports.xlsx_response("x.xlsx", ["Nombre", "Horas"], [["@evil", 4], ["Ana", 2.5]])
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "x.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(workbook.active.iter_rows(values_only=True)) == [
        ("Nombre", "Horas"),
        ("'@evil", 4),
        ("Ana", 2.5),
    ]


def test_spreadsheet_response_picks_the_format():
    as_xlsx = exports.spreadsheet_response(fmt="xlsx", name="informe", header=["a"], rows=[])
    as_csv = exports.spreadsheet_response(fmt="csv", name="informe", header=["a"], rows=[])
    assert "informe.xlsx" in as_xlsx["Content-Disposition"]
    assert as_csv["Content-Disposition"] == 'attachment; filename="informe.csv"'
    assert _csv_text(as_csv) == "\ufeffa\r\n"
