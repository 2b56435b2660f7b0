"""The SAML journey in Chromium against the local IdP (tests/sso/saml_idp.py), with Relevo's real
CSP: the institutional button, the IdP's password page, its auto-posting answer to the ACS,
/inicio/, "Cerrar sesión" ending the IdP's session through single logout (the next sign-in asks
for the password again), and the Spanish 503 page when the IdP is down."""

from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from core.roles import Role
from people.models import StaffProfile
from people.services import account_create_for_sso
from tests.factories import StaffFactory, make_unit
from tests.sso.conftest import run_once
from tests.sso.saml_fixtures import (  # noqa: F401  (the SAML IdP's fixtures)
    IDP_PASSWORD,
    saml_documented,
    saml_idp,
    saml_settings,
)

pytestmark = [pytest.mark.e2e, run_once]

UNAVAILABLE = "El servicio de inicio de sesión institucional no está disponible"


@dataclass
class Site:
    url: str
    idp: object
    settings: object


@pytest.fixture
def saml_site(request, live_server):
    return Site(
        url=live_server.url,
        idp=request.getfixturevalue("saml_idp"),
        settings=request.getfixturevalue("saml_settings"),
    )


def imported(email: str):
    user = account_create_for_sso(email=email, first_name="Nombre", last_name="Antiguo")
    StaffFactory(user=user, unit=make_unit(f"u{user.pk}"), status=StaffProfile.Status.ACTIVE)
    return user


def press_button(page, site: str) -> None:
    page.goto(f"{site}/cuenta/login/")
    page.get_by_role("link", name="Inicio de sesión institucional").click()
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()


def idp_password(page, username: str) -> None:
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/inicio/")


def test_saml_sign_in_logout_and_sign_in_again(page, saml_site, console_errors):
    site, idp = saml_site.url, saml_site.idp
    imported("ana.saml@example.gob.ec")
    press_button(page, site)
    assert page.url.startswith(f"{idp.url}/sso")  # CSP form-action let the button go there
    idp_password(page, "ana")
    assert page.url == f"{site}/inicio/"
    assert page.get_by_text("Ana Salazar").first.is_visible()
    assert not [e for e in console_errors if "Content Security Policy" in e]

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    assert page.url.startswith(site)  # back from the IdP's single logout
    assert "/sls/" not in page.url
    # A shared computer: the next person pressing the button must type a password there.
    press_button(page, site)
    assert page.get_by_label("Contraseña").is_visible()
    idp_password(page, "ana")
    assert page.url == f"{site}/inicio/"


def test_idp_mfa_stands_for_the_local_totp(page, saml_site):
    site = saml_site.url
    saml_site.settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("mfa.saml@example.gob.ec")
    user.groups.add(Group.objects.get(name=Role.HR.value))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    press_button(page, site)
    idp_password(page, "mfa")
    assert page.url == f"{site}/inicio/"  # no TOTP code asked


def test_idp_down_at_the_button(page, saml_site):
    saml_site.idp.stop()
    try:
        press_button(page, saml_site.url)
        assert page.get_by_text(UNAVAILABLE).is_visible()
    finally:
        saml_site.idp.start()
