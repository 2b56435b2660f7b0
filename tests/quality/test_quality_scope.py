"""A quality officer attached to units sees only those units' data, like a scoped HR officer:
their units' matrix, indicators and evidence; never the institution's row, its survey results,
its course figures, its open data or its manual values."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.roles import Role
from quality.models import QUALITY_ROLE, Indicator, IndicatorValue, QualityScope
from quality.selectors import matrix_months
from tests.factories import with_mfa
from tests.people.factories import make_course, make_unit
from tests.quality.factories import make_indicator, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    root = make_unit("min", name="Ministerio")
    return {
        "root": root,
        "mine": make_unit("mine", root, name="Dirección propia"),
        "other": make_unit("other", root, name="Dirección ajena"),
    }


@pytest.fixture
def scoped(make_user, units):
    user = with_mfa(make_user(Role.LEARNER, QUALITY_ROLE))
    QualityScope.objects.create(user=user, unit=units["mine"])
    return user


def _value(indicator, unit, value):
    return IndicatorValue.objects.create(
        indicator=indicator, unit=unit, period=matrix_months()[-1], value=value, denominator=40
    )


def test_scoped_officer_lands_on_their_unit_and_cannot_open_another(client, scoped, units):
    indicator = make_indicator(Indicator.Source.COMPLETION, name="Tasa de finalización")
    _value(indicator, units["mine"], 61)
    _value(indicator, units["other"], 17)
    _value(indicator, None, 44)
    client.force_login(scoped)
    page = client.get(reverse("quality:matrix"))
    assert page.status_code == 200
    assert page.context["unit"] == units["mine"]
    assert [u.code for u in page.context["units"]] == ["mine"]
    assert not page.context["institution_wide"]
    assert page.context["rows"][0].current_value == 61
    body = page.content.decode()
    assert "Dirección ajena" not in body and ">Institución<" not in body
    for name in ("quality:matrix", "quality:matrix_xlsx", "quality:matrix_pdf"):
        assert client.get(reverse(name), {"unidad": units["other"].pk}).status_code == 404
        assert client.get(reverse(name), {"unidad": units["root"].pk}).status_code == 404
    detail = reverse("quality:indicator", args=[indicator.pk])
    assert client.get(detail, {"unidad": units["other"].pk}).status_code == 404
    own = client.get(detail)
    assert own.status_code == 200
    assert [v.value for v in own.context["series"]] == [61]


def test_scoped_officer_is_refused_the_institution_data(client, scoped, units):
    course = make_course(title="Curso institucional")
    survey = make_survey(course=course)
    manual = make_indicator(name="Manual")
    client.force_login(scoped)
    assert client.get(reverse("quality:open_data")).status_code == 403
    assert client.get(reverse("quality:survey_results", args=[survey.pk])).status_code == 403
    assert client.get(reverse("quality:survey_csv", args=[survey.pk])).status_code == 403
    assert client.get(reverse("quality:course", args=[course.pk])).status_code == 403
    assert client.get(reverse("quality:indicator_value", args=[manual.pk])).status_code == 403
    response = client.post(
        reverse("quality:indicator_value", args=[manual.pk]),
        {"period": "2026-01-01", "value": "5"},
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.filter(indicator=manual).exists()


def test_scoped_officer_downloads_only_their_units_evidence(client, scoped, units):
    manual = make_indicator(name="Manual con evidencia")
    rows = {}
    for key, unit in (("mine", units["mine"]), ("other", units["other"]), ("inst", None)):
        row = IndicatorValue(indicator=manual, unit=unit, period=date(2026, 1, 1), value=3)
        row.evidence.save(f"evidencia-{key}.pdf", ContentFile(b"%PDF-1.4"), save=True)
        rows[key] = row
    client.force_login(scoped)
    assert client.get(reverse("quality:evidence", args=[rows["mine"].pk])).status_code == 200
    assert client.get(reverse("quality:evidence", args=[rows["other"].pk])).status_code == 403
    assert client.get(reverse("quality:evidence", args=[rows["inst"].pk])).status_code == 403


def test_a_scope_covers_the_subtree(client, make_user, units):
    top = with_mfa(make_user(Role.LEARNER, QUALITY_ROLE))
    QualityScope.objects.create(user=top, unit=units["root"])
    client.force_login(top)
    page = client.get(reverse("quality:matrix"))
    assert page.status_code == 200
    assert {u.code for u in page.context["units"]} == {"min", "mine", "other"}
    assert page.context["unit"] == units["root"]  # a unit's page, not the institution's row
    assert client.get(reverse("quality:matrix"), {"unidad": units["other"].pk}).status_code == 200
    assert client.get(reverse("quality:open_data")).status_code == 403


def test_unscoped_officer_still_sees_the_institution(client, officer, units):
    client.force_login(officer)
    page = client.get(reverse("quality:matrix"))
    assert page.status_code == 200
    assert page.context["unit"] is None and page.context["institution_wide"]
    assert {u.code for u in page.context["units"]} == {"min", "mine", "other"}
    assert client.get(reverse("quality:open_data")).status_code == 200


def test_officer_cannot_manage_quality_scopes_in_the_admin(client, officer, make_user):
    client.force_login(officer)
    url = reverse("wagtailsnippets_quality_qualityscope:add")
    assert client.get(url).status_code in (302, 403)
    admin = with_mfa(make_user(Role.LEARNER, Role.ADMIN))
    client.force_login(admin)
    assert client.get(url).status_code == 200
