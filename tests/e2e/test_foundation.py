import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.roles import Role

pytestmark = pytest.mark.e2e

# email, a role label shown on the dashboard, may use the Wagtail admin
DEMO_ROLES = [
    ("funcionario@relevo.demo", "Funcionario/a (aprendiz)", False),
    ("capacitador@relevo.demo", "Capacitador/a", True),
    ("revisor@relevo.demo", "Revisor/a de contenidos", True),
    ("custodio@relevo.demo", "Custodio/a de sistema", True),
    ("talento@relevo.demo", "Talento humano", True),
    ("admin@relevo.demo", "Administrador/a", True),
]


@pytest.mark.parametrize(("email", "role_label", "admin_access"), DEMO_ROLES)
def test_each_demo_role_signs_in_and_reaches_its_home(
    page, live_server, demo_site, login, email, role_label, admin_access
):
    login(page, live_server, email)
    expect(page).to_have_url(f"{live_server.url}/inicio/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_contain_text("Bienvenido/a")
    expect(page.locator(".lead")).to_contain_text(role_label)
    admin_card = page.locator(".card-grid a", has_text="Administración")
    if admin_access:
        expect(admin_card).to_have_count(1)
        admin_card.click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        # Wagtail's own dashboard, in Spanish for a Spanish user.
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator("aside, nav").get_by_text("Ayuda").first).to_be_visible()
    else:
        expect(admin_card).to_have_count(0)
        response = page.goto(f"{live_server.url}/admin/")
        assert response.status == 403
        expect(page.locator("h1")).to_have_text("Acceso denegado")


def test_wagtail_admin_for_trainer_reviewer_and_admin(page, live_server, demo_site, login):
    for email in ("capacitador@relevo.demo", "revisor@relevo.demo", "admin@relevo.demo"):
        page.context.clear_cookies()
        login(page, live_server, email)
        response = page.goto(f"{live_server.url}/admin/")
        assert response.status == 200
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(
            page.get_by_role("main").get_by_role("link", name="Cuenta", exact=True)
        ).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Help")


def test_language_switch_to_english_and_back(page, live_server, demo_site, login):
    login(page, live_server, "funcionario@relevo.demo")
    page.locator("#language-select").select_option("en")
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/inicio/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The choice follows the person to the next sign-in.
    page.context.clear_cookies()
    login(page, live_server, "funcionario@relevo.demo")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("#language-select").select_option("es")
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()


def test_wrong_password_is_explained_in_spanish(page, live_server, demo_site, login):
    login(page, live_server, "funcionario@relevo.demo", "not-the-password")
    expect(page).to_have_url(re.compile(r"/cuenta/login/$"))
    expect(page.locator("[role=alert]")).to_contain_text("no son correct")


def test_key_pages_have_no_accessibility_violations(
    page, live_server, demo_site, login, assert_accessible, console_errors
):
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/cuenta/login/")
    assert_accessible(page)

    page.goto(f"{live_server.url}/pagina-que-no-existe/")
    expect(page.locator("h1")).to_have_text("Página no encontrada")
    assert_accessible(page)

    login(page, live_server, "talento@relevo.demo")
    expect(page).to_have_url(f"{live_server.url}/inicio/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/cuenta/email/")
    assert_accessible(page)
    assert [e for e in console_errors if "404" not in e] == []


def test_key_pages_in_english_have_no_accessibility_violations(
    page, live_server, demo_site, login, assert_accessible
):
    login(page, live_server, "admin@relevo.demo")
    page.locator("#language-select").select_option("en")
    with page.expect_navigation():
        page.locator(".language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_phone_layout(page, live_server, demo_site, login, assert_accessible):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/cuenta/login/")
    assert _no_horizontal_scroll(page)
    toggle = page.locator(".nav-toggle")
    nav = page.locator("#site-nav")
    expect(toggle).to_be_visible()
    expect(nav).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    # The login form fits the screen: inputs as wide as the column, nothing cut off.
    box = page.locator("input[name=login]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert_accessible(page)

    login(page, live_server, "capacitador@relevo.demo")
    expect(page).to_have_url(f"{live_server.url}/inicio/")
    assert _no_horizontal_scroll(page)
    page.locator(".nav-toggle").click()
    expect(page.locator("#site-nav").get_by_role("button", name="Cerrar sesión")).to_be_visible()
    for path in ("/", "/pagina-que-no-existe/", "/cuenta/email/"):
        page.goto(f"{live_server.url}{path}")
        assert _no_horizontal_scroll(page), path


def test_skip_link_moves_focus_to_main(page, live_server, demo_site):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_the_demo_accounts_above_cover_every_role():
    with translation.override("es"):
        assert {label for _e, label, _a in DEMO_ROLES} == {str(label) for _v, label in Role.choices}
