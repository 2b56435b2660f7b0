"""Browser test: the demo HR officer imports staff (a bad row first: the error is shown and
nothing is imported), fixes the file, imports, assigns a required training to a unit and sees
the unit's compliance."""

import pytest

from courses.models import CoursePage
from people.models import OrgUnit, Requirement, StaffProfile

pytestmark = pytest.mark.e2e

BAD = (
    "cedula;nombres;apellidos;correo;unidad;cargo;jefe;fecha_ingreso;estado\n"
    "1750000026;Rocío;Benalcázar;rocio.benalcazar@cancilleria.gob.ec;dsm;Analista;;2025-01-06;activo\n"
    "1700000068;Mateo;Cifuentes;mateo.cifuentes@cancilleria.gob.ec;no-existe;Analista;;2025-01-06;"
    "activo\n"
)
GOOD = BAD.replace("no-existe", "dsm")


def upload(page, tmp_path, content):
    path = tmp_path / "personal.csv"
    path.write_text(content, encoding="utf-8")
    page.goto(f"{page.base_url}/talento-humano/importar/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_hr_officer_imports_assigns_and_sees_compliance(
    page, live_server, demo_site, login, assert_accessible, tmp_path
):
    login(page, live_server, "talento@relevo.demo")
    staff_before = StaffProfile.objects.count()
    course = CoursePage.objects.live().exclude(hr_requirements__isnull=False).order_by("pk").first()
    assert course is not None

    upload(page, tmp_path, BAD)
    assert page.locator("#import-errors").is_visible()
    assert "no-existe" in page.locator("main").inner_text()
    assert StaffProfile.objects.count() == staff_before
    assert_accessible(page)

    upload(page, tmp_path, GOOD)
    assert page.locator("#import-preview [data-count=created]").inner_text() == "2"
    assert StaffProfile.objects.count() == staff_before
    with page.expect_navigation():
        page.click("text=Confirmar la importación")
    assert page.locator("#import-summary [data-count=created]").inner_text() == "2"
    assert StaffProfile.objects.count() == staff_before + 2

    page.goto(f"{live_server.url}/talento-humano/requisitos/")
    page.select_option("select[name=course]", str(course.pk))
    page.select_option("select[name=scope]", "unit")
    page.select_option("select[name=unit]", str(OrgUnit.objects.get(code="dsm").pk))
    page.fill("input[name=due_days]", "20")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    requirement = Requirement.objects.get(course=course)
    assert requirement.unit.code == "dsm"

    page.goto(f"{live_server.url}/talento-humano/?unidad=dsm&requisito={requirement.pk}")
    card = page.locator(f"[data-requirement='{requirement.pk}']")
    assert card.is_visible()
    assert "%" in card.inner_text()
    main = page.locator("main").inner_text()
    assert "Benalcázar" in main  # the imported person, enrolled and pending
    assert page.locator("[data-status=pending]").count() >= 2
    assert_accessible(page)

    # HR for the whole institution keeps the officers' scopes in the app.
    page.goto(f"{live_server.url}/talento-humano/responsables/")
    assert page.locator("h1").inner_text() == "Analistas de talento humano"
    assert_accessible(page)
