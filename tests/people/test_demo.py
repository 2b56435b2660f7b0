import io

import pytest

from core import demo as core_demo
from people import demo
from people.models import CoverageRule, Requirement, StaffProfile
from people.selectors import Compliance, compliance_queryset
from tests.people.factories import make_course

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = io.StringIO()
    core_demo.seed(out)
    demo.seed(out)
    return out.getvalue()


def test_demo_without_egsi_course_skips_with_a_note():
    output = run_seed()
    assert "EGSI" in output and "skipped" in output
    assert StaffProfile.objects.count() == 60
    assert Requirement.objects.count() == 0


def test_demo_is_idempotent_and_shows_every_state():
    make_course("Seguridad de la información (EGSI)", validity_months=12)
    run_seed()
    counts = (
        StaffProfile.objects.count(),
        Requirement.objects.count(),
        CoverageRule.objects.count(),
    )
    run_seed()
    assert counts == (
        StaffProfile.objects.count(),
        Requirement.objects.count(),
        CoverageRule.objects.count(),
    )
    assert counts[0] == 60
    requirement = Requirement.objects.get()
    assert requirement.scope == Requirement.Scope.EVERYONE
    assert requirement.validity_months == 12
    states = set(compliance_queryset(requirement).values_list("compliance", flat=True))
    assert states == set(Compliance.ALL)
    assert StaffProfile.objects.filter(status=StaffProfile.Status.LEAVING).count() == 1


def test_demo_coverage_rule_warns_before_it_breaks():
    from people.selectors import coverage_forecast

    make_course("Seguridad de la información (EGSI)", validity_months=12)
    run_seed()
    forecast = coverage_forecast(CoverageRule.objects.get())
    assert forecast.margin_today == 0
    assert forecast.at_risk
