import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import ModelLogEntry

from core.roles import Role
from tests.core.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/cuenta/login/"


@pytest.fixture(autouse=True)
def _local_cache(settings):
    # Rate limits count in the cache: keep each test's counters to itself even when the suite
    # runs with Redis (xdist workers would share it).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "acc"}
    }
    from django.core.cache import cache

    cache.clear()


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"login": email, "password": password}, **extra)


def test_verified_user_signs_in_with_email_and_lands_on_dashboard(client, learner):
    response = sign_in(client, learner.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/inicio/"
    page = client.get("/inicio/")
    assert page.status_code == 200
    assert learner.first_name in page.content.decode()


def test_wrong_password_shows_a_spanish_error(client, learner):
    response = sign_in(client, learner.email, "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "la contraseña que ha indicado no son correct" in body
    assert '<html lang="es">' in body
    assert "_auth_user_id" not in client.session


def test_unverified_email_is_sent_to_the_verification_page(client):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()


def test_too_many_failed_attempts_are_refused_in_spanish(client, learner):
    for _attempt in range(5):
        response = sign_in(client, learner.email, "wrong-password")
        assert "Demasiados intentos" not in response.content.decode()
    response = sign_in(client, learner.email, "wrong-password")
    assert "Demasiados intentos fallidos. Inténtelo más tarde." in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = sign_in(client, learner.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email_with_a_working_link(client, learner):
    response = client.post("/cuenta/password/reset/", {"email": learner.email})
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert message.subject.startswith("[Relevo]")
    link = re.search(r"https?://[^/\s]+(/cuenta/password/reset/key/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="password1"' in body
    assert 'class="site-header"' in body
    new_password = "otra-Clave-segura-2024"
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/password/reset/key/done/"
    learner.refresh_from_db()
    assert learner.check_password(new_password)


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post("/cuenta/password/reset/", {"email": "nadie@example.gob.ec"})
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/password/reset/done/"


def test_signup_is_closed_by_default(client, settings):
    assert settings.ACCOUNT_ALLOW_SIGNUP is False
    response = client.get("/cuenta/signup/")
    body = response.content.decode()
    assert "Registro cerrado" in body
    assert 'class="site-header"' in body
    response = client.post(
        "/cuenta/signup/",
        {"email": "nuevo@example.gob.ec", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert "Registro cerrado" in response.content.decode()
    login_page = client.get(LOGIN_URL).content.decode()
    assert "/cuenta/signup/" not in login_page


def test_signup_invitation_appears_when_signup_is_open(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUP = True
    assert "/cuenta/signup/" in client.get(LOGIN_URL).content.decode()


def test_oidc_button_only_when_configured(client, settings):
    assert "/cuenta/oidc/" not in client.get(LOGIN_URL).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "ministerio",
                    "name": "Cuenta institucional",
                    "client_id": "relevo",
                    "secret": "s",
                    "settings": {"server_url": "https://sso.example.gob.ec/realms/mrremh"},
                }
            ]
        }
    }
    body = client.get(LOGIN_URL).content.decode()
    assert "/cuenta/oidc/ministerio/login/" in body
    assert "Cuenta institucional" in body


def test_mfa_required_role_without_totp_is_sent_to_activation(client, settings, make_user):
    settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    hr = make_user(Role.LEARNER, Role.HR)
    client.force_login(hr)
    response = client.get("/inicio/")
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/2fa/totp/activate/?next=/inicio/"
    # Account pages stay reachable so that the second factor can be set up.
    assert client.get("/cuenta/2fa/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_mfa_required_role_with_totp_passes(client, settings, make_user):
    settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    hr = make_user(Role.HR)
    Authenticator.objects.create(user=hr, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(hr)
    assert client.get("/inicio/").status_code == 200


def test_mfa_not_required_for_a_learner(client, settings, learner):
    settings.MFA_REQUIRED_FOR_ROLES = [Role.HR.value]
    client.force_login(learner)
    assert client.get("/inicio/").status_code == 200


def test_mfa_enforcement_off_when_no_roles_listed(client, settings, make_user):
    settings.MFA_REQUIRED_FOR_ROLES = []
    client.force_login(make_user(Role.HR))
    assert client.get("/inicio/").status_code == 200


def test_language_switch_stores_choice_and_next_page_is_english(client, learner):
    client.force_login(learner)
    response = client.post("/idioma/", {"language": "en", "next": "/inicio/"})
    assert response.status_code == 302
    assert response["Location"] == "/inicio/"
    assert response.cookies["relevo_language"].value == "en"
    learner.refresh_from_db()
    assert learner.language == "en"
    from wagtail.users.models import UserProfile

    assert UserProfile.get_for_user(learner).preferred_language == "en"
    body = client.get("/inicio/").content.decode()
    assert '<html lang="en">' in body
    assert "Welcome" in body
    assert "Sign out" in body
    client.post("/idioma/", {"language": "es", "next": "/inicio/"})
    body = client.get("/inicio/").content.decode()
    assert '<html lang="es">' in body
    assert "Cerrar sesión" in body


def test_language_cookie_applies_to_anonymous_visitors(client):
    response = client.post("/idioma/", {"language": "en", "next": "/cuenta/login/"})
    assert response.cookies["relevo_language"].value == "en"
    body = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_language_switch_ignores_unknown_language_and_foreign_next(client):
    response = client.post("/idioma/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "relevo_language" not in response.cookies


def test_anonymous_default_is_spanish_even_when_browser_asks_english(client):
    body = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es">' in body
    assert "Iniciar sesión" in body


def test_sign_in_is_recorded_in_the_audit_log(client, learner):
    sign_in(client, learner.email, REMOTE_ADDR="10.1.2.3")
    entry = ModelLogEntry.objects.get(action="relevo.sign_in", object_id=str(learner.pk))
    assert entry.user_id == learner.pk
    assert entry.data["ip"] == "10.1.2.3"


def test_failed_sign_in_is_recorded_in_the_audit_log(client, learner):
    sign_in(client, learner.email, "wrong-password")
    assert ModelLogEntry.objects.filter(
        action="relevo.sign_in_failed", object_id=str(learner.pk)
    ).exists()


def test_role_change_is_recorded_in_the_audit_log(learner):
    learner.groups.add(Group.objects.get(name=Role.TRAINER.value))
    learner.groups.remove(Group.objects.get(name=Role.LEARNER.value))
    entries = ModelLogEntry.objects.filter(
        action="relevo.roles_changed", object_id=str(learner.pk)
    ).order_by("pk")
    changes = [(e.data["change"], e.data["roles"]) for e in entries]
    assert ("add", [Role.TRAINER.value]) in changes
    assert changes[-1] == ("remove", [Role.LEARNER.value])


def test_wagtail_admin_refuses_a_learner_with_the_403_page(client, learner):
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()


def test_wagtail_admin_opens_for_a_trainer_in_spanish(client, make_user):
    client.force_login(make_user(Role.TRAINER))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()


def test_wagtail_admin_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/login/?next=/admin/")
