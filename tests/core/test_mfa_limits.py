"""Wrong second-factor codes are limited like wrong passwords (core.mfa_forms)."""

import time
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from core.cache import cache_breaker
from tests.core.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MFA_URL = "/cuenta/2fa/authenticate/"
LIMITED = "Demasiados intentos fallidos. Inténtelo más tarde."


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mfa"}
    }
    from django.core.cache import cache

    cache.clear()
    cache_breaker.reset()
    yield
    cache_breaker.reset()


@pytest.fixture
def user_with_totp():
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def right_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def wrong_code(secret: str) -> str:
    code = right_code(secret)
    return f"{(int(code) + 1) % 1_000_000:06d}"


def at_second_factor(client: Client, user) -> None:
    response = client.post("/cuenta/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == MFA_URL


def send(client: Client, code: str):
    return client.post(MFA_URL, {"code": code})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_codes_then_even_the_right_code_is_refused(client, user_with_totp):
    user, secret = user_with_totp
    at_second_factor(client, user)
    for _attempt in range(5):
        response = send(client, wrong_code(secret))
        assert response.status_code == 200
        assert LIMITED not in response.content.decode()
    response = send(client, right_code(secret))
    assert response.status_code == 200
    assert LIMITED in response.content.decode()
    assert not signed_in(client)


def test_the_limit_holds_for_the_person_in_a_new_session(client, user_with_totp):
    user, secret = user_with_totp
    at_second_factor(client, user)
    for _attempt in range(5):
        send(client, wrong_code(secret))
    other = Client()
    at_second_factor(other, user)
    response = send(other, right_code(secret))
    assert LIMITED in response.content.decode()
    assert not signed_in(other)


def test_the_right_code_passes_once_the_window_is_over(client, user_with_totp):
    user, secret = user_with_totp
    at_second_factor(client, user)
    for _attempt in range(5):
        send(client, wrong_code(secret))
    later = mock.Mock(time=lambda: time.time() + 700)
    with mock.patch("core.ratelimit.time", later):
        response = send(client, right_code(secret))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_few_typos_do_not_block_the_right_code(client, user_with_totp):
    user, secret = user_with_totp
    at_second_factor(client, user)
    for _attempt in range(4):
        send(client, wrong_code(secret))
    response = send(client, right_code(secret))
    assert response.status_code == 302
    assert signed_in(client)
