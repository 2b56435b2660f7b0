"""Every allauth page Relevo uses is rendered inside the site shell (templates/base.html),
in Spanish by default and in English on request."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.core.factories import PASSWORD

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = {
    "/cuenta/login/": "Iniciar sesión",
    "/cuenta/password/reset/": "contraseña",
    "/cuenta/password/reset/done/": "contraseña",
    "/cuenta/password/reset/key/done/": "contraseña",
    "/cuenta/confirm-email/": "correo",
    "/cuenta/signup/": "Registro cerrado",
}

SIGNED_IN_PAGES = {
    "/cuenta/email/": "correo",
    "/cuenta/password/change/": "contraseña",
    "/cuenta/logout/": "Cerrar sesión",
    "/cuenta/reauthenticate/": "contraseña",
    "/cuenta/2fa/": "autenticación",
    "/cuenta/2fa/totp/activate/": "autenticador",
}

WITH_MFA_PAGES = {
    "/cuenta/2fa/": "autenticación",
    "/cuenta/2fa/totp/deactivate/": "Deshabilitar",
    "/cuenta/2fa/recovery-codes/": "recuperación",
    "/cuenta/2fa/recovery-codes/generate/": "recuperación",
}


def assert_in_site_shell(response, words: str, language: str = "es"):
    assert response.status_code == 200, response.get("Location")
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body
    assert 'class="site-footer"' in body
    assert 'class="account-page"' in body
    assert 'href="#main"' in body
    assert words.lower() in body.lower()


@pytest.fixture
def signed_in(client, learner):
    response = client.post("/cuenta/login/", {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302
    # allauth asks for the password again before any change to the second factor.
    response = client.post("/cuenta/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(("url", "words"), ANONYMOUS_PAGES.items())
def test_anonymous_account_pages_use_the_site_shell(client, url, words):
    assert_in_site_shell(client.get(url), words)


@pytest.mark.parametrize(("url", "words"), SIGNED_IN_PAGES.items())
def test_signed_in_account_pages_use_the_site_shell(signed_in, url, words):
    assert_in_site_shell(signed_in.get(url), words)


@pytest.mark.parametrize(("url", "words"), WITH_MFA_PAGES.items())
def test_mfa_pages_use_the_site_shell(client, learner, url, words):
    TOTP.activate(learner, generate_totp_secret())
    RecoveryCodes.activate(learner)
    # A session opened before the second factor existed must pass it (core.middleware):
    # sign in with both factors, then reauthenticate as allauth asks before MFA changes.
    client.force_login(learner)
    assert client.post("/cuenta/reauthenticate/", {"password": PASSWORD}).status_code == 302
    assert_in_site_shell(client.get(url), words)


def test_account_pages_have_the_account_navigation(signed_in):
    body = signed_in.get("/cuenta/email/").content.decode()
    for url in ("/cuenta/email/", "/cuenta/password/change/", "/cuenta/2fa/"):
        assert f'href="{url}"' in body


def test_account_pages_in_english(client):
    client.post("/idioma/", {"language": "en"})
    assert_in_site_shell(client.get("/cuenta/login/"), "Sign in", language="en")
    assert_in_site_shell(client.get("/cuenta/password/reset/"), "Password", language="en")


def test_password_reset_from_key_with_a_bad_key_explains_in_spanish(client, learner):
    response = client.get(f"/cuenta/password/reset/key/{learner.pk:x}-bad-key/")
    assert_in_site_shell(response, "contraseña")


def test_logout_signs_out(signed_in):
    response = signed_in.post("/cuenta/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session
