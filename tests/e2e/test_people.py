"""Browser test: the demo HR officer imports staff (a bad row first), assigns a required
training to a unit and sees the unit's compliance."""

import io
import os

import pytest

from core import demo as core_demo
from people import demo as people_demo
from people.models import OrgUnit, Requirement, StaffProfile
from tests.people.factories import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BAD = (
    "cedula;nombres;apellidos;correo;unidad;cargo;jefe;fecha_ingreso;estado\n"
    "1799000001;Rocío;Benalcázar;rocio.benalcazar@cancilleria.gob.ec;dsm;Analista;;2025-01-06;activo\n"
    "1799000002;Mateo;Cifuentes;mateo.cifuentes@cancilleria.gob.ec;no-existe;Analista;;2025-01-06;activo\n"
)
GOOD = BAD.replace("no-existe", "dsm")


@pytest.fixture
def hr_page(live_server, settings, tmp_path):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    settings.MFA_REQUIRED_FOR_ROLES = []
    out = io.StringIO()
    core_demo.seed(out)
    people_demo.seed(out)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(base_url=live_server.url)
        page.goto("/cuenta/login/")
        page.fill("input[name=login]", "talento@relevo.demo")
        page.fill("input[name=password]", core_demo.DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        yield page
        browser.close()


def upload(page, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.goto("/talento-humano/importar/")
    page.set_input_files("input[name=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_hr_officer_imports_assigns_and_sees_compliance(hr_page, tmp_path):
    page = hr_page
    course = make_course("Ética y transparencia en el servicio público", validity_months=24)
    staff_before = StaffProfile.objects.count()

    upload(page, tmp_path, "personal.csv", BAD)
    errors = page.locator("#import-errors")
    assert errors.is_visible()
    assert "no-existe" in page.content()
    assert StaffProfile.objects.count() == staff_before

    upload(page, tmp_path, "personal.csv", GOOD)
    assert page.locator("#import-preview [data-count=created]").inner_text() == "2"
    assert StaffProfile.objects.count() == staff_before
    page.click("text=Confirmar la importación")
    page.wait_for_load_state()
    assert page.locator("#import-summary [data-count=created]").inner_text() == "2"
    assert StaffProfile.objects.count() == staff_before + 2

    page.goto("/talento-humano/requisitos/")
    page.select_option("select[name=course]", str(course.pk))
    page.select_option("select[name=scope]", "unit")
    page.select_option("select[name=unit]", str(OrgUnit.objects.get(code="dsm").pk))
    page.fill("input[name=due_days]", "20")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    requirement = Requirement.objects.get(course=course)
    assert requirement.unit.code == "dsm"

    page.goto(f"/talento-humano/?unidad=dsm&requisito={requirement.pk}")
    card = page.locator(f"[data-requirement='{requirement.pk}']")
    assert "0 %" in card.inner_text()
    assert "Benalcázar" in page.content()  # the imported person, now pending
    assert page.locator("[data-status=pending]").count() >= 2
