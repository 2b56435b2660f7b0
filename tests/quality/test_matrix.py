"""The results matrix: who sees it and which unit, bounded queries from the stored series,
the XLSX, the signed PDF report, and the trainer's course view."""

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates.signing import check_pdf_signature
from core.roles import Role
from quality.models import Indicator, IndicatorValue
from quality.selectors import matrix_months, results_matrix
from tests.factories import make_course
from tests.people.factories import make_unit, scope
from tests.quality.factories import make_indicator, make_survey

pytestmark = pytest.mark.django_db


def _indicators(n, unit=None):
    months = matrix_months()
    for i in range(n):
        indicator = make_indicator(Indicator.Source.COMPLETION, name=f"Indicador {i}")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, unit=unit, period=m, value=10 + j, denominator=50)
            for j, m in enumerate(months)
        )


@pytest.mark.parametrize("n", [2, 12])
def test_matrix_queries_do_not_grow(client, officer, django_assert_max_num_queries, n):
    _indicators(n)
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("quality:matrix"))
    assert page.status_code == 200
    assert page.content.count(b"data-indicator=") == n
    assert b"<polyline" in page.content


def test_matrix_refused_without_the_role(client, make_user):
    for roles in ((Role.LEARNER,), (Role.TRAINER,), (Role.REVIEWER,)):
        client.force_login(make_user(*roles))
        for name in ("quality:matrix", "quality:matrix_xlsx", "quality:matrix_pdf"):
            assert client.get(reverse(name)).status_code == 403


def test_scoped_hr_sees_only_their_units(client, hr_user):
    root = make_unit("min")
    mine = make_unit("mine", root)
    other = make_unit("other", root)
    scope(hr_user, mine)
    _indicators(1, unit=mine)
    client.force_login(hr_user)
    page = client.get(reverse("quality:matrix"))
    assert page.status_code == 200
    assert page.context["unit"].pk == mine.pk
    assert client.get(reverse("quality:matrix"), {"unidad": other.pk}).status_code == 404
    assert client.get(reverse("quality:matrix"), {"unidad": "x"}).status_code == 404


def test_xlsx_export(client, officer):
    _indicators(2)
    client.force_login(officer)
    response = client.get(reverse("quality:matrix_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][5] == "Línea base" and rows[0][12] == "Fuente de verificación"
    assert len(rows) == 3
    assert rows[1][7] == 21  # the latest month's value


def test_signed_pdf_report(client, officer):
    _indicators(1)
    client.force_login(officer)
    response = client.get(reverse("quality:matrix_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert check_pdf_signature(response.content).valid
    if shutil.which("pdfsig"):
        path = f"/tmp/quality-report-{timezone.now().timestamp()}.pdf"
        with open(path, "wb") as handle:
            handle.write(response.content)
        out = subprocess.run(["pdfsig", path], capture_output=True, text=True, check=False)
        assert "Signature is Valid" in out.stdout


def test_indicator_drilldown_shows_the_data_behind(client, officer):
    _indicators(1)
    indicator = Indicator.objects.get()
    client.force_login(officer)
    page = client.get(reverse("quality:indicator", args=[indicator.pk]))
    assert page.status_code == 200
    assert len(page.context["series"]) == 12


def test_trainer_view_only_for_own_courses(client, trainer, make_user):
    course = make_course(title="Curso de calidad")
    make_survey(course=course)
    url = reverse("quality:course", args=[course.pk])
    client.force_login(trainer)
    assert client.get(url).status_code == 403
    course.owners.add(trainer)
    course.save()
    page = client.get(url)
    assert page.status_code == 200
    client.force_login(make_user(Role.LEARNER))
    assert client.get(url).status_code == 403


def test_traffic_light():
    indicator = make_indicator(
        baseline=0,
        target=100,
        baseline_date=timezone.localdate() - timedelta(days=100),
        target_date=timezone.localdate() + timedelta(days=100),
    )
    month = timezone.localdate().replace(day=1)
    IndicatorValue.objects.create(indicator=indicator, period=month, value=48)
    assert results_matrix(unit_id=None)[0].light == "green"
    IndicatorValue.objects.filter(indicator=indicator).update(value=30)
    assert results_matrix(unit_id=None)[0].light == "amber"
    IndicatorValue.objects.filter(indicator=indicator).update(value=10)
    assert results_matrix(unit_id=None)[0].light == "red"
