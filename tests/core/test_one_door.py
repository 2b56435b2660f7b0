"""One door: every sign-in path goes through allauth, with its rate limits and second factor.

Each attack of issue 13 (item 1) against the documented production settings is reproduced
here and must now fail to get in.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import app_settings as totp_settings
from django.contrib.auth import SESSION_KEY
from wagtail.models import Page, PageViewRestriction

from core.roles import Role
from tests.core.factories import PASSWORD
from tests.core.signin import password_only_login

pytestmark = pytest.mark.django_db

LOGIN = "/cuenta/login/"
OTHER_LOGINS = ["/admin/login/", "/_util/login/", "/django-admin/login/"]


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.MFA_REQUIRED_FOR_ROLES = [Role.ADMIN.value, Role.HR.value]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "door"}
    }
    from django.core.cache import cache

    cache.clear()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // totp_settings.TOTP_PERIOD))


@pytest.fixture
def admin_with_totp(make_user):
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    admin.totp_secret = secret
    return admin


def credentials(user, password=PASSWORD) -> dict:
    # Every field name the four login forms use for the e-mail.
    return {"login": user.email, "username": user.email, "password": password}


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.parametrize("path", OTHER_LOGINS)
def test_other_login_screens_never_check_a_password(client, admin_with_totp, path):
    response = client.post(f"{path}?next=/admin/pages/", credentials(admin_with_totp))
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/login/?next=%2Fadmin%2Fpages%2F"
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", OTHER_LOGINS)
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_other_login_screens_drop_a_foreign_next(client, path, next_url):
    response = client.get(path, {"next": next_url})
    assert response["Location"] == LOGIN


def test_admin_with_totp_is_asked_for_the_code_after_the_password(client, admin_with_totp):
    response = client.post(LOGIN + "?next=/admin/", credentials(admin_with_totp))
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith(LOGIN)

    response = client.post(
        "/cuenta/2fa/authenticate/", {"code": totp_code(admin_with_totp.totp_secret)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.parametrize("path", [LOGIN, *OTHER_LOGINS])
def test_thirty_wrong_passwords_then_the_right_one_does_not_get_in(client, admin_with_totp, path):
    for _attempt in range(30):
        client.post(path, credentials(admin_with_totp, "wrong-password"))
        assert not signed_in(client)
    response = client.post(path, credentials(admin_with_totp))
    assert not signed_in(client)
    if path == LOGIN:
        assert response.status_code == 429 or "Demasiados intentos" in response.content.decode()
    else:
        assert response["Location"] == LOGIN


@pytest.mark.parametrize("path", OTHER_LOGINS)
def test_an_account_locked_at_the_login_page_stays_locked_everywhere(client, learner, path):
    for _attempt in range(6):
        client.post(LOGIN, credentials(learner, "wrong-password"))
    client.post(path, credentials(learner))
    assert not signed_in(client)
    response = client.post(LOGIN, credentials(learner))
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/", "/inicio/", "/", "/cuenta/2fa/"])
def test_a_session_that_passed_only_the_password_is_signed_out(client, admin_with_totp, path):
    password_only_login(client, admin_with_totp)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert "segundo factor" in page.content.decode()


def test_a_learner_who_turned_mfa_on_needs_it_in_this_session(client, learner):
    Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={})
    password_only_login(client, learner)
    response = client.get("/inicio/")
    assert response["Location"] == "/cuenta/login/?next=%2Finicio%2F"
    assert not signed_in(client)


def test_a_session_that_passed_the_second_factor_is_kept(client, admin_with_totp):
    client.force_login(admin_with_totp)  # records password and second factor (tests/conftest)
    assert client.get("/admin/").status_code == 200
    assert client.get("/inicio/").status_code == 200


def test_a_session_opened_before_the_authenticator_existed_must_pass_it(client, learner):
    password_only_login(client, learner)
    assert client.get("/inicio/").status_code == 200
    Authenticator.objects.create(user=learner, type=Authenticator.Type.TOTP, data={})
    assert client.get("/inicio/")["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_activating_totp_counts_as_this_session_passing_it(client, make_user):
    hr = make_user(Role.HR)
    password_only_login(client, hr)
    assert client.get("/inicio/")["Location"].startswith("/cuenta/2fa/totp/activate/")
    client.post("/cuenta/reauthenticate/", {"password": PASSWORD})
    assert client.get("/cuenta/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/cuenta/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists()
    assert client.get("/inicio/").status_code == 200


def test_wagtail_private_pages_send_visitors_to_allauth(client):
    page = Page.objects.get(depth=2)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/admin/password_reset/", "/cuenta/password/reset/"),
        ("/admin/password_reset/done/", "/cuenta/password/reset/"),
        ("/django-admin/password_change/", "/cuenta/password/change/"),
    ],
)
def test_every_password_reset_and_change_is_allauths(client, path, target):
    assert client.get(path)["Location"] == target


def test_wagtail_account_settings_have_no_password_form(client, make_user):
    client.force_login(make_user(Role.TRAINER))
    body = client.get("/admin/account/").content.decode()
    assert 'name="password-old_password"' not in body


def test_page_password_is_rate_limited_and_a_refusal_changes_nothing(client):
    page = Page.objects.get(depth=2)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="clave-compartida"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    for _attempt in range(10):
        response = client.post(url, {"password": "adivinanza", "return_url": "/"})
        assert response.status_code == 200
    response = client.post(url, {"password": "clave-compartida", "return_url": "/"})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()
    assert "wagtail-page-view-restrictions" not in client.session or (
        restriction.pk not in client.session["wagtail-page-view-restrictions"]
    )


def test_page_password_right_first_time_opens_the_page(client):
    page = Page.objects.get(depth=2)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="clave-compartida"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    response = client.post(url, {"password": "clave-compartida", "return_url": page.url})
    assert response.status_code == 302
    assert client.get(page.url).status_code == 200


def test_reauthentication_is_rate_limited(client, learner):
    client.force_login(learner)
    for _attempt in range(5):
        response = client.post("/cuenta/reauthenticate/", {"password": "wrong-password"})
        assert response.status_code == 200
    response = client.post("/cuenta/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()


def test_document_collection_password_is_rate_limited(client):
    from wagtail.models import Collection, CollectionViewRestriction

    restriction = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="clave-compartida",
    )
    url = f"/documentos/authenticate_with_password/{restriction.pk}/"
    for _attempt in range(10):
        assert client.post(url, {"password": "adivinanza", "return_url": "/"}).status_code == 200
    response = client.post(url, {"password": "clave-compartida", "return_url": "/"})
    assert response.status_code == 429


def test_a_signed_in_person_without_access_gets_the_403_page_not_a_loop(client, learner):
    client.force_login(learner)
    response = client.get("/django-admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert "Acceso denegado" in response.content.decode()
