"""allauth's own limits (password reset, sign-up, re-authentication) never answer 500 when
ALLAUTH_TRUSTED_PROXY_COUNT is set and a request did not come through the proxy: they fall
back to the socket's address, or to one shared bucket, and still limit."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from core.cache import cache_breaker
from core.ratelimit import UNKNOWN_ADDRESS
from tests.core.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = "/cuenta/password/reset/"
LOGIN_URL = "/cuenta/login/"


@pytest.fixture(autouse=True)
def _proxy(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ip"}
    }
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    from django.core.cache import cache

    cache.clear()
    cache_breaker.reset()
    yield
    cache_breaker.reset()


CASES = [
    pytest.param({}, "10.0.0.9", id="no-x-forwarded-for"),
    pytest.param({"HTTP_X_FORWARDED_FOR": "198.51.100.4"}, "10.0.0.9", id="fewer-than-proxies"),
    pytest.param({"HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.9", id="garbage"),
    pytest.param({"REMOTE_ADDR": ""}, UNKNOWN_ADDRESS, id="no-socket-address"),
]


@pytest.mark.parametrize(("headers", "expected"), CASES)
def test_adapter_falls_back_instead_of_raising(headers, expected):
    request = RequestFactory().post("/", **{"REMOTE_ADDR": "10.0.0.9", **headers})
    assert get_adapter(request).get_client_ip(request) == expected


def test_through_the_proxies_the_client_address_is_used():
    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1"
    )
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize(("headers", "expected"), CASES)
def test_direct_posts_get_no_500(client, headers, expected):
    user = UserFactory()
    extra = {"REMOTE_ADDR": "10.0.0.9", **headers}
    reset = client.post(RESET_URL, {"email": user.email}, **extra)
    assert reset.status_code in (200, 302), reset.status_code
    login = client.post(LOGIN_URL, {"login": user.email, "password": PASSWORD}, **extra)
    assert login.status_code == 302, login.status_code
    assert "_auth_user_id" in client.session


def test_the_fallback_still_limits(client, settings):
    """Stripping the header does not escape allauth's limit: the direct requests share the
    socket's bucket (reset_password 60/m/ip, 5/m/key)."""
    user = UserFactory()
    codes = [
        client.post(RESET_URL, {"email": user.email}, REMOTE_ADDR="10.0.0.9").status_code
        for _ in range(7)
    ]
    assert 500 not in codes
    assert codes[-1] == 429
