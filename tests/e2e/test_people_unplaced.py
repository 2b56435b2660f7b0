"""Browser test: HR for the whole institution finds a person single sign-on let in without a
unit at "Sin unidad", places them, and both pages pass axe (WCAG 2.1 AA)."""

import pytest
from allauth.socialaccount.models import SocialAccount

from core.roles import Role
from people.models import OrgUnit, StaffProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_hr_places_a_person_without_a_unit(page, live_server, demo_site, login, assert_accessible):
    newcomer = UserFactory(
        email="recien.llegada@cancilleria.gob.ec",
        first_name="Recién",
        last_name="Llegada",
        roles=[Role.LEARNER],
    )
    SocialAccount.objects.create(user=newcomer, provider="ministerio", uid="recien")
    login(page, live_server, "talento@relevo.demo")
    page.goto(f"{live_server.url}/talento-humano/")
    page.get_by_role("link", name="Sin unidad").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sin unidad"
    assert "Recién Llegada" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Ubicar en una unidad — Recién Llegada").click()
    page.wait_for_load_state()
    unit = OrgUnit.objects.get(code="dsm")
    page.fill("input[name=employee_id]", "1750000018")
    page.select_option("select[name=unit]", str(unit.pk))
    page.fill("input[name=position]", "Analista")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{live_server.url}/talento-humano/sin-unidad/"
    assert "Recién Llegada" in page.locator("main").inner_text()  # the confirmation
    assert (
        "Todas las personas que iniciaron sesión tienen unidad."
        in page.locator("main").inner_text()
    )
    profile = StaffProfile.objects.get(user=newcomer)
    assert (profile.unit_id, profile.employee_id) == (unit.pk, "1750000018")
