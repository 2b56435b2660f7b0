import io
import tracemalloc

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook

from people import exports
from people.models import StaffProfile
from tests.people.factories import StaffFactory, complete, make_course, make_requirement

pytestmark = pytest.mark.django_db


def test_formula_injection_is_escaped():
    assert exports.escape_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert exports.escape_cell("+1") == "'+1"
    assert exports.escape_cell("@SUM") == "'@SUM"
    assert exports.escape_cell("-2") == "'-2"
    assert exports.escape_cell("Normal") == "Normal"
    assert exports.escape_cell(5) == 5
    assert exports.escape_cell(None) == ""


def test_csv_export_streams_and_escapes(hr_client, tree):
    course = make_course()
    make_requirement(course)
    StaffFactory(unit=tree["dir-a"], position="=cmd|' /C calc'!A0")
    response = hr_client.get("/talento-humano/exportar/cumplimiento.csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd" in text
    assert ",=cmd" not in text


def test_xlsx_exports(hr_client, tree):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["dir-a"], position="@evil")
    complete(person, course, timezone.localdate() - relativedelta(months=1))
    for url in [
        "/talento-humano/exportar/cumplimiento.xlsx",
        "/talento-humano/exportar/historial.xlsx",
    ]:
        response = hr_client.get(url)
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        assert len(rows) == 2
        assert person.employee_id in rows[1]
    matrix = load_workbook(
        io.BytesIO(
            b"".join(hr_client.get("/talento-humano/exportar/cumplimiento.xlsx").streaming_content)
        )
    )
    assert "'@evil" in list(matrix.active.iter_rows(values_only=True))[1]


def test_aggregate_export_has_no_personal_data(hr_client, tree):
    course = make_course()
    today = timezone.localdate()
    people = [StaffFactory(unit=tree["dir-a"]) for _ in range(5)]
    for person in people:
        complete(person, course, today)
    text = b"".join(
        hr_client.get("/talento-humano/exportar/datos-abiertos.csv").streaming_content
    ).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # the group, then the unit's total
    assert lines[1].split(",")[0] == "dir-a"
    assert lines[1].endswith(",5,5") and lines[2].endswith(",Total,,5,5")
    for person in people:
        assert person.employee_id not in text
        assert person.user.email not in text
        assert person.user.last_name not in text


def test_matrix_rows_memory_stays_flat(tree):
    """The generator yields row by row from a server-side iterator: memory does not hold the
    whole export (measured relative to a tenfold smaller export)."""
    course = make_course()
    requirement = make_requirement(course)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = User.objects.bulk_create(
        [User(email=f"p{i}@x.ec", first_name="A", last_name="B") for i in range(6000)]
    )
    StaffProfile.objects.bulk_create(
        [StaffProfile(user=u, employee_id=f"E{i}", unit=tree["dir-a"]) for i, u in enumerate(users)]
    )

    def peak(limit):
        staff = StaffProfile.objects.filter(
            pk__in=StaffProfile.objects.order_by("pk").values("pk")[:limit]
        )
        tracemalloc.start()
        count = sum(1 for _ in exports.matrix_rows(staff, [requirement]))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return count, top

    small_count, small_peak = peak(1000)
    big_count, big_peak = peak(6000)
    assert (small_count, big_count) == (1000, 6000)
    assert big_peak < small_peak * 2


def test_history_csv_writes_the_labels_not_the_stored_values(hr_client, tree):
    import csv as csv_module

    from django.utils import translation

    from courses.api import EnrolmentSource, EnrolmentStatus

    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["dir-a"])
    complete(person, course, timezone.localdate())
    text = b"".join(
        hr_client.get("/talento-humano/exportar/historial.csv").streaming_content
    ).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text)))
    row = next(r for r in rows[1:] if r[0] == person.employee_id)
    with translation.override("es"):
        statuses = {str(label) for _value, label in EnrolmentStatus.choices}
        sources = {str(label) for _value, label in EnrolmentSource.choices}
    assert set(row) & statuses and set(row) & sources
    assert not set(row) & ({"assigned", "active", "completed"} | set(EnrolmentSource.values))
