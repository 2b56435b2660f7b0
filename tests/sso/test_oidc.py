"""Single sign-on through a real OpenID Connect provider (tests/sso/idp), driven with Django's
test client: who may come in, names, roles, audit, outages, logout and MFA."""

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
from tests.factories import PASSWORD, StaffFactory, UserFactory, make_unit
from tests.sso.conftest import free_port, run_once
from tests.sso.flow import BUTTON, provider_sign_in, sso_sign_in

pytestmark = [pytest.mark.django_db, run_once]
User = get_user_model()

UNAVAILABLE = "El servicio de inicio de sesión institucional no está disponible"
DISCOVERY = "/.well-known/openid-configuration"


def imported(email: str, first="Nombre", last="Antiguo", status=StaffProfile.Status.ACTIVE):
    """A member of staff as HR's import creates them: no password, verified e-mail."""
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


# --- who may come in ------------------------------------------------------------------------


def test_imported_staff_without_password_signs_in_and_names_are_refreshed(oidc_settings, client):
    user = imported("importada@ministerio.gob.ec", first="Nombre", last="Antiguo")
    assert not user.has_usable_password()
    response = sso_sign_in(client, "importada")
    assert response.status_code == 302, response.content[:800]
    assert response["Location"] == "/inicio/"
    assert client.get("/inicio/").status_code == 200
    user.refresh_from_db()
    # The provider is the source of names.
    assert (user.first_name, user.last_name) == ("Importada", "Desde Proveedor")
    assert SocialAccount.objects.filter(user=user, provider="ministerio").count() == 1
    assert sign_ins(user)[-1] | {"ip": ""} == {"ip": "", "method": "oidc", "provider": "ministerio"}


def test_second_sign_in_reuses_the_account(oidc_settings, client):
    user = imported("importada@ministerio.gob.ec")
    browser = requests.Session()
    assert sso_sign_in(client, "importada", browser)["Location"] == "/inicio/"
    client.logout()
    # The provider's session is still open in this browser: no password asked there.
    assert sso_sign_in(client, "importada", browser)["Location"] == "/inicio/"
    assert User.objects.filter(email__iexact="importada@ministerio.gob.ec").count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert len(sign_ins(user)) == 2


def test_unknown_person_refused_when_only_imported_people_may_come_in(oidc_settings, client):
    assert oidc_settings.SSO_ACCOUNT_POLICY == "imported"
    response = sso_sign_in(client, "nueva")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Talento Humano" in body
    assert not User.objects.filter(email__iexact="nueva.persona@ministerio.gob.ec").exists()
    assert client.get("/inicio/").status_code == 302  # not signed in


def test_open_policy_creates_a_funcionario_account_without_unit(oidc_settings, client):
    oidc_settings.SSO_ACCOUNT_POLICY = "open"
    response = sso_sign_in(client, "nueva")
    assert response["Location"] == "/inicio/"
    user = User.objects.get(email__iexact="nueva.persona@ministerio.gob.ec")
    assert (user.first_name, user.last_name) == ("Nueva", "Persona")
    assert set(user.groups.values_list("name", flat=True)) == {Role.LEARNER.value}
    assert not user.has_usable_password()
    # HR places them: no staff profile ("sin unidad") until then.
    assert not StaffProfile.objects.filter(user=user).exists()
    assert ModelLogEntry.objects.filter(
        action="relevo.sso_account_created", object_id=str(user.pk)
    ).exists()
    assert sign_ins(user)[-1]["method"] == "oidc"


def test_unverified_email_never_takes_over_an_account(oidc_settings, client):
    oidc_settings.SSO_ACCOUNT_POLICY = "open"  # refused even where sign-up is open
    victim = UserFactory(email="cuenta.ajena@ministerio.gob.ec", roles=[Role.ADMIN])
    response = sso_sign_in(client, "sinverificar")
    assert response.status_code == 403
    assert "no confirmó su correo" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=victim.email).count() == 1
    assert client.get("/inicio/").status_code == 302


def test_staff_marked_as_left_is_refused(oidc_settings, client):
    user = imported("ya.salio@ministerio.gob.ec", status=StaffProfile.Status.LEFT)
    response = sso_sign_in(client, "salio")
    assert response.status_code == 403
    assert "Talento Humano" in response.content.decode()
    assert not sign_ins(user)


def test_password_sign_in_is_audited_as_password(client, make_user):
    user = make_user(Role.LEARNER)
    response = client.post("/cuenta/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert sign_ins(user)[-1]["method"] == "password"


# --- outages and the discovery document -----------------------------------------------------


def test_provider_down_at_the_button_is_a_spanish_503(oidc_settings, client):
    app = oidc_settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"] = {**app["settings"], "server_url": f"http://127.0.0.1:{free_port()}"}
    response = client.post(BUTTON)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_provider_down_at_the_callback_is_a_spanish_503(oidc_settings, client, oidc_idp):
    imported("importada@ministerio.gob.ec")
    start = client.post(BUTTON)
    callback = provider_sign_in(requests.Session(), start["Location"], "importada")
    oidc_idp.stop()
    try:
        parts = urlsplit(callback)
        response = client.get(f"{parts.path}?{parts.query}")
    finally:
        oidc_idp.start()
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert client.get("/inicio/").status_code == 302


def test_discovery_document_is_read_once_for_a_sign_in(oidc_settings, client, monkeypatch):
    imported("importada@ministerio.gob.ec")
    fetched = []
    real = requests.Session.request

    def counting(self, method, url, *args, **kwargs):
        if DISCOVERY in str(url):
            fetched.append(url)
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", counting)
    browser = requests.Session()
    assert sso_sign_in(client, "importada", browser)["Location"] == "/inicio/"
    provider_reads = [url for url in fetched if "testserver" not in url]
    # The provider-side session (this test's "browser") reads none; Relevo reads it once.
    assert len(provider_reads) == 1
    client.logout()
    assert sso_sign_in(client, "importada", browser)["Location"] == "/inicio/"
    assert len([url for url in fetched if "testserver" not in url]) == 1  # from the cache


# --- logout ---------------------------------------------------------------------------------


def test_logout_ends_the_provider_session_too(oidc_settings, client, oidc_idp):
    imported("importada@ministerio.gob.ec")
    browser = requests.Session()
    assert sso_sign_in(client, "importada", browser)["Location"] == "/inicio/"
    response = client.post("/cuenta/logout/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{oidc_idp.url}/end-session")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["id_token_hint"][0].count(".") == 2  # a JWT
    assert client.get("/inicio/").status_code == 302  # signed out here
    back = browser.get(location, allow_redirects=False)
    assert back.status_code == 302
    assert back.headers["Location"].startswith("http://testserver/")
    # The next click on the button asks for the provider's password again.
    start = client.post(BUTTON)
    at_provider = browser.get(start["Location"], allow_redirects=False)
    assert "/accounts/login/" in at_provider.headers["Location"]


def test_logout_after_a_password_sign_in_stays_local(client, make_user):
    user = make_user(Role.LEARNER)
    client.force_login(user)
    assert client.post("/cuenta/logout/")["Location"] == "/"


# --- MFA ------------------------------------------------------------------------------------


def test_provider_mfa_counts_and_local_totp_is_not_asked(oidc_settings, client):
    oidc_settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("con.mfa@ministerio.gob.ec")
    user.groups.add(Group.objects.get(name=Role.HR.value))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    # The authorization request asks the provider for its MFA.
    start = client.post(BUTTON)
    assert parse_qs(urlsplit(start["Location"]).query)["acr_values"] == ["otp"]
    callback = provider_sign_in(requests.Session(), start["Location"], "mfa")
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response["Location"] == "/inicio/"
    assert client.get("/inicio/").status_code == 200


def test_without_provider_mfa_the_local_totp_is_asked(oidc_settings, client):
    user = imported("importada@ministerio.gob.ec")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = sso_sign_in(client, "importada")
    assert response["Location"].startswith("/cuenta/2fa/authenticate/")
    assert client.get("/inicio/").status_code == 302


def test_sso_sign_in_counts_as_fresh_authentication_for_setting_up_totp(oidc_settings, client):
    oidc_settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    user = imported("importada@ministerio.gob.ec")
    user.set_password("una-clave-local-larga")  # a password they may not remember
    user.save()
    user.groups.add(Group.objects.get(name=Role.HR.value))
    response = sso_sign_in(client, "importada")
    assert response.status_code == 302
    # Sent to set up TOTP, and that page does not ask for the local password first.
    activate = client.get("/cuenta/2fa/totp/activate/")
    assert activate.status_code == 200, activate.get("Location")


# --- configuration --------------------------------------------------------------------------


def test_documented_variables_let_the_button_post_to_the_provider():
    from tests.sso.conftest import documented_settings

    built = documented_settings(
        {
            "OIDC_CLIENT_ID": "relevo",
            "OIDC_SERVER_URL": "https://sso.cancilleria.gob.ec:8443/realms/mremh",
        }
    )
    assert "https://sso.cancilleria.gob.ec:8443" in built["form_action"]
    assert built["form_action"][0] == "'self'"
    app = built["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "ministerio"
    assert "auth_params" not in app["settings"]  # no acr_values asked unless SSO_MFA_VALUES
    assert "https://" not in " ".join(documented_settings({})["form_action"])


def test_production_admits_only_imported_people_by_default():
    from tests.sso.conftest import documented_settings

    production = {
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qv9$mZ2!pL4@wX8^rT6&nB3*yH5(uJ1)eF0-sD9+gA7=cV2",
        "ALLOWED_HOSTS": "relevo.example.gob.ec",
    }
    assert documented_settings(production)["SSO_ACCOUNT_POLICY"] == "imported"


def test_start_up_check_requires_the_hr_resolver(monkeypatch):
    from core import checks, hooks

    assert checks.sso_staff_resolver_registered() == []
    monkeypatch.setattr(hooks, "_sso_staff_resolver", [])
    assert [m.id for m in checks.sso_staff_resolver_registered()] == ["core.E002"]


def test_people_tell_core_what_hr_knows():
    from core.hooks import SSOStaffStatus, sso_staff_status

    imported("activa@ministerio.gob.ec")
    imported("gone@ministerio.gob.ec", status=StaffProfile.Status.LEFT)
    UserFactory(email="sin.perfil@ministerio.gob.ec")
    assert sso_staff_status("Activa@Ministerio.gob.ec") == SSOStaffStatus.ACTIVE
    assert sso_staff_status("gone@ministerio.gob.ec") == SSOStaffStatus.LEFT
    assert sso_staff_status("sin.perfil@ministerio.gob.ec") == SSOStaffStatus.UNKNOWN


def test_signed_in_person_may_connect_the_provider_to_their_account(oidc_settings, client):
    user = UserFactory(email="otra.direccion@ministerio.gob.ec", roles=[Role.LEARNER])
    client.force_login(user)
    start = client.post("/cuenta/oidc/ministerio/login/?process=connect")
    assert start.status_code == 302
    callback = provider_sign_in(requests.Session(), start["Location"], "nueva")
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert SocialAccount.objects.filter(user=user, provider="ministerio").exists()
    assert not User.objects.filter(email__iexact="nueva.persona@ministerio.gob.ec").exists()
