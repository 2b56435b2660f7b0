"""Ending a person's sessions on every device, and resetting a lost second factor."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.test import Client
from wagtail.models import ModelLogEntry

from core.roles import Role
from tests.core.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    admin = make_user(Role.ADMIN, is_staff=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
    return admin


def device(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def signed_in(client) -> bool:
    return SESSION_KEY in client.session and client.get("/inicio/").status_code == 200


def test_a_person_ends_their_sessions_on_every_device_this_one_included(learner):
    phone, laptop = device(learner), device(learner)
    page = laptop.get("/cuenta/sesiones/").content.decode()
    assert "Cerrar sesión en todos los dispositivos" in page
    response = laptop.post("/cuenta/sesiones/")
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/login/"
    assert not signed_in(phone)
    assert not signed_in(laptop)
    assert "Se cerraron sus sesiones" in laptop.get("/cuenta/login/").content.decode()
    entry = ModelLogEntry.objects.get(action="relevo.sessions_ended", object_id=str(learner.pk))
    assert entry.user_id == learner.pk
    assert entry.data == {"by_administrator": False}
    # Signing in again works and makes a valid session.
    again = Client()
    again.post("/cuenta/login/", {"login": learner.email, "password": PASSWORD})
    assert signed_in(again)


def test_the_sessions_page_is_in_the_account_navigation(learner):
    body = device(learner).get("/cuenta/email/").content.decode()
    assert 'href="/cuenta/sesiones/"' in body


def test_an_administrator_ends_another_persons_sessions(admin, learner):
    learner_device = device(learner)
    admin_client = device(admin)
    response = admin_client.post(
        f"/gestion/personas/{learner.pk}/seguridad/", {"action": "end_sessions"}
    )
    assert response.status_code == 302
    assert not signed_in(learner_device)
    assert signed_in(admin_client)
    entry = ModelLogEntry.objects.get(action="relevo.sessions_ended", object_id=str(learner.pk))
    assert entry.user_id == admin.pk
    assert entry.data == {"by_administrator": True}


@pytest.mark.parametrize("role", [Role.LEARNER, Role.HR, Role.TRAINER])
def test_only_administrators_open_another_persons_security_page(make_user, learner, role):
    other = make_user(role)
    Authenticator.objects.create(user=other, type=Authenticator.Type.TOTP, data={})
    Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={})
    learner_device = device(learner)
    client = device(other)
    url = f"/gestion/personas/{learner.pk}/seguridad/"
    assert client.get(url).status_code == 403
    for data in ({"action": "end_sessions"}, {"action": "reset_second_factor", "reason": "x" * 20}):
        response = client.post(url, data)
        assert response.status_code == 403
        assert "Acceso denegado" in response.content.decode()
    assert signed_in(learner_device)
    assert Authenticator.objects.filter(user=learner).exists()
    assert not ModelLogEntry.objects.filter(
        action__in=["relevo.sessions_ended", "relevo.authenticators_reset"]
    ).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, learner):
    response = client.get(f"/gestion/personas/{learner.pk}/seguridad/")
    assert response["Location"].startswith("/cuenta/login/")


def test_an_administrator_resets_a_lost_second_factor_with_a_reason(admin, make_user):
    hr = make_user(Role.HR)
    Authenticator.objects.create(user=hr, type=Authenticator.Type.TOTP, data={})
    Authenticator.objects.create(user=hr, type=Authenticator.Type.RECOVERY_CODES, data={})
    hr_device = device(hr)
    client = device(admin)
    url = f"/gestion/personas/{hr.pk}/seguridad/"
    page = client.get(url).content.decode()
    assert "Restablecer el segundo factor" in page
    response = client.post(
        url, {"action": "reset_second_factor", "reason": "Perdió el teléfono, ticket 4512"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=hr).exists()
    assert not signed_in(hr_device)
    entry = ModelLogEntry.objects.get(action="relevo.authenticators_reset", object_id=str(hr.pk))
    assert entry.user_id == admin.pk
    assert entry.data["reason"] == "Perdió el teléfono, ticket 4512"
    assert entry.data["types"] == ["recovery_codes", "totp"]
    # At the next sign-in the HR officer is sent to set up a new authenticator.
    hr.refresh_from_db()
    new_device = device(hr)
    assert new_device.get("/inicio/")["Location"].startswith("/cuenta/2fa/totp/activate/")


def test_a_reset_without_a_reason_is_refused_and_changes_nothing(admin, learner):
    Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={})
    learner_device = device(learner)
    response = device(admin).post(
        f"/gestion/personas/{learner.pk}/seguridad/",
        {"action": "reset_second_factor", "reason": "  corto "},
    )
    assert response.status_code == 400
    assert "al menos 10 car" in response.content.decode()
    assert Authenticator.objects.filter(user=learner).exists()
    assert signed_in(learner_device)
    assert not ModelLogEntry.objects.filter(action="relevo.authenticators_reset").exists()


def test_an_administrator_cannot_reset_their_own_second_factor(admin):
    client = device(admin)
    response = client.post(
        f"/gestion/personas/{admin.pk}/seguridad/",
        {"action": "reset_second_factor", "reason": "Quiero quitar mi segundo factor"},
        follow=True,
    )
    assert "pida a otro administrador" in response.content.decode()
    assert Authenticator.objects.filter(user=admin).exists()
    assert not ModelLogEntry.objects.filter(action="relevo.authenticators_reset").exists()


def test_unknown_person_is_a_404(admin):
    assert device(admin).get("/gestion/personas/999999/seguridad/").status_code == 404


def test_the_wagtail_user_listing_links_to_the_security_page(admin, learner):
    admin.is_superuser = True  # the listing itself needs the user permissions
    admin.save(update_fields=["is_superuser"])
    body = device(admin).get("/admin/users/").content.decode()
    assert f"/gestion/personas/{learner.pk}/seguridad/" in body


def test_a_password_change_keeps_this_session_and_ends_the_others(learner):
    phone, laptop = device(learner), device(learner)
    new_password = "otra-Clave-segura-2026"
    response = laptop.post(
        "/cuenta/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
