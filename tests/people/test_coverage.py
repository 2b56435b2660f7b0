from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from people.models import CoverageRule, StaffProfile
from people.selectors import coverage_forecast
from tests.people.factories import StaffFactory, complete, make_course

pytestmark = pytest.mark.django_db


def test_margin_today_and_forecast_from_expiry_and_departures(tree):
    today = timezone.localdate()
    course = make_course("Respuesta a incidentes", validity_months=12)
    rule = CoverageRule.objects.create(unit=tree["dir-a"], course=course, minimum=2)
    a = StaffFactory(unit=tree["dir-a"])
    b = StaffFactory(unit=tree["unit-a1"])
    c = StaffFactory(
        unit=tree["dir-a"], status=StaffProfile.Status.LEAVING, end_date=today + timedelta(days=20)
    )
    StaffFactory(unit=tree["dir-b"])
    complete(a, course, today - relativedelta(months=1))
    complete(b, course, today - relativedelta(months=12) + timedelta(days=60))  # expires in 60 d
    complete(c, course, today - relativedelta(months=2))
    forecast = coverage_forecast(rule)
    assert forecast.holders_today == 3
    assert forecast.margin_today == 1
    # c leaves in 20 days (2 left, still fine); b expires in 60 days -> 1 < 2.
    assert forecast.breaks_on == today + timedelta(days=61)
    assert forecast.lowest == 1
    assert forecast.at_risk and not forecast.broken


def test_rule_already_broken_today(tree):
    course = make_course("Respuesta a incidentes")
    rule = CoverageRule.objects.create(unit=tree["dir-b"], course=course, minimum=2)
    forecast = coverage_forecast(rule)
    assert forecast.broken
    assert forecast.breaks_on == timezone.localdate()


def test_rule_that_holds(tree):
    today = timezone.localdate()
    course = make_course("Respuesta a incidentes")
    rule = CoverageRule.objects.create(unit=tree["dir-b"], course=course, minimum=1)
    complete(StaffFactory(unit=tree["dir-b"]), course, today - relativedelta(months=1))
    forecast = coverage_forecast(rule)
    assert forecast.margin_today == 0
    assert not forecast.at_risk
