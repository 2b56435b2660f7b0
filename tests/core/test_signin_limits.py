"""Sign-in limits (core.ratelimit): a ministry behind one address signs in; guessing stays bounded."""

import pytest

from core.cache import cache_breaker
from tests.core.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/cuenta/login/"
NAT = "203.0.113.7"  # the ministry's one public address, as nginx reports it


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    from django.core.cache import cache

    cache.clear()
    cache_breaker.reset()
    yield
    cache_breaker.reset()


def sign_in(client, email, password=PASSWORD, address=NAT):
    return client.post(
        LOGIN_URL,
        {"login": email, "password": password},
        HTTP_X_FORWARDED_FOR=address,
        REMOTE_ADDR="10.0.0.2",  # nginx
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_many_people_behind_one_address_all_sign_in(client, django_user_model):
    # More than allauth's old 30/m/ip and 10/m/ip: successes are never counted.
    users = UserFactory.create_batch(40)
    for user in users:
        client.logout()
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.content.decode()[:300]
        assert signed_in(client)


def test_typos_over_eleven_accounts_do_not_lock_out_others(client):
    typists = UserFactory.create_batch(11)
    for user in typists:
        assert not signed_in(client)
        sign_in(client, user.email, "wrong-password")
    others = UserFactory.create_batch(5)
    for user in others:
        client.logout()
        sign_in(client, user.email)
        assert signed_in(client)


def test_one_account_is_locked_after_five_failures_and_not_its_neighbours(client):
    victim, neighbour = UserFactory.create_batch(2)
    for _attempt in range(5):
        response = sign_in(client, victim.email, "wrong-password")
        assert "Demasiados intentos" not in response.content.decode()
    response = sign_in(client, victim.email)
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert not signed_in(client)
    sign_in(client, neighbour.email)
    assert signed_in(client)


def test_guessing_from_one_address_is_bounded(client, settings):
    settings.ACCOUNT_LOGIN_FAILURES_PER_ADDRESS = "8/300s"
    for index in range(8):
        sign_in(client, f"nobody{index}@example.org", "guess")
    user = UserFactory()
    response = sign_in(client, user.email)
    assert "Demasiados intentos fallidos" in response.content.decode()
    assert not signed_in(client)
    # Another address is not affected.
    sign_in(client, user.email, address="198.51.100.9")
    assert signed_in(client)


def test_the_address_comes_from_the_proxy_header(client, settings):
    settings.ACCOUNT_LOGIN_FAILURES_PER_ADDRESS = "3/300s"
    for index in range(3):
        sign_in(client, f"nobody{index}@example.org", "guess", address="198.51.100.1")
    user = UserFactory()
    sign_in(client, user.email, address="198.51.100.2")  # same nginx, another person
    assert signed_in(client)


def test_a_request_without_the_proxy_header_is_not_a_500(client):
    user = UserFactory()
    response = client.post(LOGIN_URL, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_sign_in_works_with_redis_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    # Sessions must not need the cache either (cached_db falls back to the database).
    users = UserFactory.create_batch(3)
    for user in users:
        client.logout()
        response = sign_in(client, user.email)
        assert response.status_code == 302
        assert signed_in(client)
    assert cache_breaker.is_open()


def test_failures_straddling_a_window_boundary_still_lock(client):
    import datetime

    import time_machine

    victim = UserFactory()
    boundary = (
        int(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC).timestamp()) // 300
    ) * 300
    with time_machine.travel(boundary - 2, tick=False):
        for _attempt in range(3):
            sign_in(client, victim.email, "wrong-password")
    with time_machine.travel(boundary + 2, tick=False):
        for _attempt in range(2):
            sign_in(client, victim.email, "wrong-password")
        response = sign_in(client, victim.email)
        assert "Demasiados intentos fallidos" in response.content.decode()
        assert not signed_in(client)
