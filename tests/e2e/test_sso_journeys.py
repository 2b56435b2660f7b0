"""The single sign-on journeys (with tests/sso, whose provider fixtures they use; kept here to
share this folder's one Chromium per worker) in Chromium against the real local provider (tests/sso/idp),
with Relevo's real CSP: the institutional button, the provider's password page, /inicio/,
"Cerrar sesión" ending the provider's session, the Spanish 503 page when the provider is down
(at the button and at the callback), and the provider's MFA (amr) standing for the local TOTP.
"""

import re
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from core.roles import Role
from people.models import StaffProfile
from people.services import account_create_for_sso
from tests.factories import StaffFactory, make_unit
from tests.sso.conftest import (  # noqa: F401  (tests/sso's provider fixtures)
    IDP_PASSWORD,
    oidc_documented,
    oidc_env,
    oidc_idp,
    oidc_settings,
    run_once,
)

pytestmark = [pytest.mark.e2e, run_once]

UNAVAILABLE = "El servicio de inicio de sesión institucional no está disponible"


@dataclass
class Site:
    url: str
    idp: object
    settings: object


@pytest.fixture
def sso_site(request, live_server):
    idp = request.getfixturevalue("oidc_idp")
    settings = request.getfixturevalue("oidc_settings")
    idp.allow_site(live_server.url)
    return Site(url=live_server.url, idp=idp, settings=settings)


def imported(email: str) -> None:
    user = account_create_for_sso(email=email, first_name="Nombre", last_name="Antiguo")
    StaffFactory(user=user, unit=make_unit(f"u{user.pk}"), status=StaffProfile.Status.ACTIVE)
    return user


def press_button(page, site: str) -> None:
    page.goto(f"{site}/cuenta/login/")
    page.get_by_role("link", name="Inicio de sesión institucional").click()
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()


def provider_password(page, username: str) -> None:
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Clave").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Entrar al proveedor").click()
    page.wait_for_load_state()


def test_sign_in_logout_and_sign_in_again(page, sso_site, console_errors):
    site, idp = sso_site.url, sso_site.idp
    imported("importada@ministerio.gob.ec")
    press_button(page, site)
    # At the provider (the CSP form-action let the button's form go there).
    assert page.url.startswith(idp.url)
    provider_password(page, "importada")
    assert page.url == f"{site}/inicio/"
    assert page.get_by_text("Importada Desde Proveedor").first.is_visible()
    assert not [e for e in console_errors if "Content Security Policy" in e]

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    assert page.url.startswith(site)  # back from the provider's end-session
    # A shared computer: the next person pressing the button must type a password there.
    press_button(page, site)
    assert page.url.startswith(f"{idp.url}/accounts/login/")
    provider_password(page, "importada")
    assert page.url == f"{site}/inicio/"


def test_provider_down_at_the_button_and_at_the_callback(page, sso_site):
    site, idp = sso_site.url, sso_site.idp
    imported("importada@ministerio.gob.ec")
    idp.stop()
    try:
        press_button(page, site)
        assert page.get_by_text(UNAVAILABLE).is_visible()
    finally:
        idp.start()

    # The provider stops between its password page and the callback. Playwright routes only
    # the first request of a navigation, so the provider's redirects are followed here and the
    # browser is handed the last one, to Relevo's callback, once the provider is stopped.
    def sign_in_then_stop(route):
        if route.request.method != "POST":
            return route.continue_()
        response = route.fetch(max_redirects=0)
        session = re.search(r"idp_sessionid=([^;]+)", response.headers["set-cookie"]).group(1)
        location = response.headers["location"]
        while not location.startswith(site):
            url = location if location.startswith("http") else idp.url + location
            response = route.fetch(
                url=url,
                method="GET",
                headers={"cookie": f"idp_sessionid={session}"},
                max_redirects=0,
            )
            location = response.headers["location"]
        idp.stop()
        route.fulfill(status=302, headers={"Location": location})

    page.route(re.compile(r".*/accounts/login/.*"), sign_in_then_stop)
    try:
        press_button(page, site)
        provider_password(page, "importada")
        assert page.get_by_text(UNAVAILABLE).is_visible()
        assert "/login/callback/" in page.url
    finally:
        idp.start()


def test_provider_mfa_instead_of_local_totp_and_unverified_refused(page, sso_site):
    site = sso_site.url
    sso_site.settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("con.mfa@ministerio.gob.ec")
    user.groups.add(Group.objects.get(name=Role.HR.value))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    press_button(page, site)
    provider_password(page, "mfa")
    assert page.url == f"{site}/inicio/"  # no TOTP code asked

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    press_button(page, site)
    provider_password(page, "sinverificar")
    assert page.get_by_role("heading", name="No puede iniciar sesión").is_visible()
