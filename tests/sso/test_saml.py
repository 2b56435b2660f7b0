"""SAML 2.0 through allauth's SAML provider against a local IdP signing with xmlsec
(tests/sso/saml_idp.py), driven with Django's test client: who may come in, names, audit, the
unit from an attribute, outages, single logout and MFA from the AuthnContext."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from core.roles import Role
from people.models import StaffProfile
from people.services import account_create_for_sso
from tests.factories import StaffFactory, UserFactory, make_unit
from tests.sso.conftest import run_once
from tests.sso.saml_fixtures import (
    BUTTON,
    ORGANIZATION,
    documented_saml_settings,
    idp_sign_in,
    saml_sign_in,
)

pytestmark = [pytest.mark.django_db, run_once]
User = get_user_model()

UNAVAILABLE = "El servicio de inicio de sesión institucional no está disponible"
SP = f"/cuenta/saml/{ORGANIZATION}"


@pytest.fixture
def client(client):
    # python3-saml reads the host from HTTP_HOST, which browsers always send.
    client.defaults["HTTP_HOST"] = "testserver"
    return client


def imported(email: str, first="Nombre", last="Antiguo", status=StaffProfile.Status.ACTIVE):
    user = account_create_for_sso(email=email, first_name=first, last_name=last)
    StaffFactory(user=user, unit=make_unit(f"u{user.pk}"), status=status)
    return user


def sign_ins(user) -> list[dict]:
    return [
        entry.data
        for entry in ModelLogEntry.objects.filter(
            action="relevo.sign_in", object_id=str(user.pk)
        ).order_by("pk")
    ]


def test_documented_variables_configure_the_provider_and_csp(saml_idp, saml_documented):
    app = saml_documented["SOCIALACCOUNT_PROVIDERS"]["saml"]["APPS"][0]
    assert app["client_id"] == ORGANIZATION
    assert app["settings"]["idp"]["sso_url"] == f"{saml_idp.url}/sso"
    assert saml_idp.url in saml_documented["form_action"]
    by_metadata = documented_saml_settings(
        {"SAML_IDP_ENTITY_ID": "x", "SAML_IDP_METADATA_URL": f"{saml_idp.url}/metadata"}
    )
    idp = by_metadata["SOCIALACCOUNT_PROVIDERS"]["saml"]["APPS"][0]["settings"]["idp"]
    assert idp["metadata_url"] == f"{saml_idp.url}/metadata"


def test_sp_metadata_names_the_acs_and_sls_to_register(saml_settings, client):
    response = client.get(f"{SP}/metadata/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"http://testserver{SP}/acs/" in body
    assert f"http://testserver{SP}/sls/" in body


def test_imported_staff_signs_in_names_are_refreshed_and_audited_as_saml(saml_settings, client):
    user = imported("ana.saml@example.gob.ec")
    response = saml_sign_in(client, "ana")
    assert response.status_code == 302, response.content[:800]
    assert response["Location"] == "/inicio/"
    assert client.get("/inicio/").status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ana", "Salazar")
    assert SocialAccount.objects.filter(user=user, provider="saml").count() == 1
    assert sign_ins(user)[-1] | {"ip": ""} == {"ip": "", "method": "saml", "provider": "saml"}


def test_second_sign_in_reuses_the_account_and_the_idp_session(saml_settings, client):
    user = imported("ana.saml@example.gob.ec")
    browser = requests.Session()
    assert saml_sign_in(client, "ana", browser)["Location"] == "/inicio/"
    client.logout()
    assert saml_sign_in(client, "ana", browser)["Location"] == "/inicio/"
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert len(sign_ins(user)) == 2


def test_unknown_person_refused_under_imported_policy(saml_settings, client):
    response = saml_sign_in(client, "nuevo")
    assert response.status_code == 403
    assert "Talento Humano" in response.content.decode()
    assert not User.objects.filter(email__iexact="nuevo.saml@example.gob.ec").exists()


def test_open_policy_creates_a_funcionario_placed_by_the_unit_attribute(saml_settings, client):
    saml_settings.SSO_ACCOUNT_POLICY = "open"
    saml_settings.SSO_UNIT_CLAIM = "unidad"
    saml_settings.SSO_EMPLOYEE_ID_CLAIM = "cedula"
    unit = make_unit("dir-saml")
    response = saml_sign_in(client, "nuevo")
    assert response["Location"] == "/inicio/"
    user = User.objects.get(email__iexact="nuevo.saml@example.gob.ec")
    assert set(user.groups.values_list("name", flat=True)) == {Role.LEARNER.value}
    assert (user.first_name, user.last_name) == ("Nuevo", "Ingreso")
    profile = StaffProfile.objects.get(user=user)
    assert (profile.unit_id, profile.employee_id) == (unit.pk, "1755555555")
    assert sign_ins(user)[-1]["method"] == "saml"


def test_open_policy_without_unit_attribute_leaves_the_person_for_hr(saml_settings, client):
    saml_settings.SSO_ACCOUNT_POLICY = "open"
    saml_settings.SSO_UNIT_CLAIM = ""
    assert saml_sign_in(client, "nuevo")["Location"] == "/inicio/"
    user = User.objects.get(email__iexact="nuevo.saml@example.gob.ec")
    assert not StaffProfile.objects.filter(user=user).exists()


def test_unverified_email_never_takes_over_an_account(saml_settings, client):
    saml_settings.SSO_ACCOUNT_POLICY = "open"
    victim = UserFactory(email="noverif.saml@example.gob.ec", roles=[Role.ADMIN])
    response = saml_sign_in(client, "noverif")
    assert response.status_code == 403
    assert "no confirmó su correo" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=victim.email).count() == 1


def test_missing_email_is_refused(saml_settings, client):
    saml_settings.SSO_ACCOUNT_POLICY = "open"
    response = saml_sign_in(client, "sinmail")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
    assert client.get("/inicio/").status_code == 302


def test_email_not_vouched_for_without_the_trust_setting(saml_settings, client):
    saml_settings.SAML_EMAIL_TRUSTED = False
    imported("ana.saml@example.gob.ec")
    response = saml_sign_in(client, "ana")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_forged_response_is_refused(saml_settings, client):
    imported("ana.saml@example.gob.ec")
    start = client.post(BUTTON)
    acs, fields = idp_sign_in(requests.Session(), start["Location"], "ana")
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    fields["SAMLResponse"] = base64.b64encode(
        xml.replace("ana.saml@example.gob.ec", "otra@example.gob.ec").encode()
    ).decode()
    posted = client.post(urlsplit(acs).path, fields)
    response = client.get(posted["Location"])
    assert response.status_code in {200, 400, 401, 403}
    assert not SocialAccount.objects.exists()
    assert client.get("/inicio/").status_code == 302


def test_idp_down_at_the_button_is_a_spanish_503(saml_settings, client, saml_idp):
    saml_idp.stop()
    try:
        response = client.post(BUTTON)
        assert response.status_code == 503
        assert UNAVAILABLE in response.content.decode()
    finally:
        saml_idp.start()


def test_metadata_url_unreachable_is_a_spanish_503(saml_settings, client):
    app = saml_settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]
    app["settings"]["idp"] = {
        "entity_id": "http://127.0.0.1:9/metadata",
        "metadata_url": "http://127.0.0.1:9/metadata",
        "metadata_request_timeout": 1,
    }
    response = client.post(BUTTON)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_metadata_unreachable_at_the_callback_is_a_spanish_503(saml_settings, client):
    app = saml_settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]
    app["settings"]["idp"] = {
        "entity_id": "http://127.0.0.1:9/metadata",
        "metadata_url": "http://127.0.0.1:9/metadata",
        "metadata_request_timeout": 1,
    }
    posted = client.post(f"{SP}/acs/", {"SAMLResponse": "eA==", "RelayState": ""})
    assert posted.status_code == 302
    response = client.get(posted["Location"])
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_idp_answering_5xx_at_the_button_is_a_spanish_503(saml_settings, client):
    idp = saml_settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]["settings"]["idp"]
    sso_url = idp["sso_url"]
    idp["sso_url"] = sso_url.replace("/sso", "/broken")
    response = client.post(BUTTON)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    # A 404 is an answer (the IdP is up): the browser goes there.
    idp["sso_url"] = sso_url.replace("/sso", "/no-such-page")
    assert client.post(BUTTON).status_code == 302


def test_logout_ends_the_idp_session_too(saml_settings, client):
    imported("ana.saml@example.gob.ec")
    browser = requests.Session()
    assert saml_sign_in(client, "ana", browser)["Location"] == "/inicio/"
    response = client.post("/cuenta/logout/")
    assert response.status_code == 302
    slo = response["Location"]
    idp = saml_settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]["settings"]["idp"]
    assert slo.startswith(idp["slo_url"])
    assert "SAMLRequest" in parse_qs(urlsplit(slo).query)
    back = browser.get(slo, allow_redirects=False)
    assert back.status_code == 302
    sls = urlsplit(back.headers["Location"])
    assert sls.path == f"{SP}/sls/"
    done = client.get(f"{sls.path}?{sls.query}")
    assert done.status_code == 302, done.content[:500]
    assert client.get("/inicio/").status_code == 302  # signed out here
    # ...and at the IdP: the next sign-in asks for the password again.
    page = browser.get(client.post(BUTTON)["Location"]).text
    assert 'name="password"' in page


def test_idp_mfa_skips_the_local_second_factor(saml_settings, client):
    saml_settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("mfa.saml@example.gob.ec")
    user.groups.add(Group.objects.get(name=Role.HR.value))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = saml_sign_in(client, "mfa")
    assert response["Location"] == "/inicio/"
    assert client.get("/inicio/").status_code == 200  # no TOTP code asked


def test_without_idp_mfa_the_local_second_factor_is_asked(saml_settings, client):
    saml_settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("ana.saml@example.gob.ec")
    user.groups.add(Group.objects.get(name=Role.HR.value))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = saml_sign_in(client, "ana")
    assert response["Location"].startswith("/cuenta/2fa/authenticate/")
    assert client.get("/inicio/").status_code == 302
