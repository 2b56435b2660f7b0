"""Sign-in failure limits that hold a ministry's morning rush.

allauth's own `login_failed` limit takes one cache lock per key and waits at most a second
for it: behind the ministry's single NAT address every sign-in queued on the same per-address
lock and half of twenty simultaneous correct sign-ins were refused. Its `login` limit counts
successes too. Here instead (wired through `core.accounts.AccountAdapter.authenticate`):

- only failures are counted, per account (`ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT`, "5/300s") and
  per client address (`ACCOUNT_LOGIN_FAILURES_PER_ADDRESS`, sized for an institution behind
  one address: a few typos or a spray over a few accounts never lock out anyone else, while
  guessing from one address stays bounded);
- counters are fixed windows kept with `cache.add` + `cache.incr` (atomic in Redis): no lock,
  no waiting, a success costs one `get_many`; the check adds the previous window's count, so a
  burst across a window boundary is still held to the limit (locked for up to two windows);
- the client address is allauth's (`ALLAUTH_TRUSTED_PROXY_COUNT` reads nginx's
  X-Forwarded-For); a request that did not come through the proxy falls back to REMOTE_ADDR;
- with the cache unreachable the limiter is off (fail open) and says so in the log.
"""

import hashlib
import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .cache import cache_is_degraded

logger = structlog.get_logger(__name__)

KEY_PREFIX = "relevo:signin-failed"


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int


def parse_limit(value: str) -> Limit:
    """'5/300s', '300/10m', '20/h' -> Limit. An amount of 0 turns the limit off."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", value or "")
    if not match:
        raise ImproperlyConfigured(f"Not a sign-in limit (amount/duration, e.g. 5/300s): {value!r}")
    amount, count, unit = match.groups()
    seconds = int(count or 1) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    return Limit(int(amount), seconds)


UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 (a rate-limit bucket, not a bind address)


def client_address_fallback(request) -> str:
    """The address of a request that did not come through the trusted proxies (a request
    straight to gunicorn, a health probe, a forged or short X-Forwarded-For): the socket's
    address if it is one, else one shared bucket for every such request. Logged: behind
    nginx it means a misconfigured proxy count or someone bypassing the proxy."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        address = str(ipaddress.ip_address(remote))
    except ValueError:
        address = UNKNOWN_ADDRESS
    logger.warning(
        "client_address_fallback",
        remote_addr=remote[:64],
        forwarded_for=(request.headers.get("x-forwarded-for") or "")[:200],
        trusted_proxy_count=getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0),
    )
    return address


def client_address(request) -> str:
    try:
        return get_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        return client_address_fallback(request)


def _window_keys(
    scopes: list[tuple[str, str, str]], *, previous: bool = False
) -> list[tuple[str, Limit]]:
    """The counters of the current fixed window per (scope, value, limit setting); with
    `previous`, the window before it too (same limit), so that failures just before a window
    boundary still count."""
    now = int(time.time())
    keys = []
    for scope, value, setting in scopes:
        limit = parse_limit(setting)
        if limit.amount <= 0 or not value:
            continue
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        window = now // limit.seconds
        for index in (window, window - 1) if previous else (window,):
            keys.append((f"{KEY_PREFIX}:{scope}:{limit.seconds}:{digest}:{index}", limit))
    return keys


def _signin_scopes(request, login: str) -> list[tuple[str, str, str]]:
    return [
        ("account", login.strip().lower(), settings.ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT),
        ("address", client_address(request), settings.ACCOUNT_LOGIN_FAILURES_PER_ADDRESS),
    ]


def _second_factor_scopes(request, user) -> list[tuple[str, str, str]]:
    """Per person and per session (per address when there is no session yet): the code has
    only a million values, so the second factor gets the password's per-account limit."""
    session_key = getattr(getattr(request, "session", None), "session_key", None) or ""
    per_session = f"session:{session_key}" if session_key else f"ip:{client_address(request)}"
    limit = settings.MFA_FAILURES_PER_ACCOUNT
    return [("mfa-user", str(user.pk), limit), ("mfa-session", per_session, limit)]


def _login_of(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def _warn_if_off() -> bool:
    if cache_is_degraded():
        logger.warning("signin_limiter_off", reason="cache unavailable")
        return True
    return False


def signin_blocked(request, login: str) -> bool:
    """Too many recent failures for this account or from this address."""
    return _blocked(_signin_scopes(request, login))


def _blocked(scopes: list[tuple[str, str, str]]) -> bool:
    keys = _window_keys(scopes, previous=True)
    if not keys:
        return False
    counts = cache.get_many([key for key, _limit in keys])
    if _warn_if_off():
        return False
    # Current and previous window together: five failures straddling a boundary still lock
    # (a fixed window alone let 2 x the limit through around each boundary).
    totals: dict[str, int] = {}
    for key, limit in keys:
        scope = key.rsplit(":", 1)[0]
        totals[scope] = totals.get(scope, 0) + int(counts.get(key) or 0)
        if totals[scope] >= limit.amount:
            return True
    return False


def signin_failure_record(request, login: str) -> None:
    _record(_signin_scopes(request, login))


def _record(scopes: list[tuple[str, str, str]]) -> None:
    for key, limit in _window_keys(scopes):
        # add() makes the window's counter (expiring with the window), incr() is atomic.
        cache.add(key, 0, timeout=2 * limit.seconds + 5)  # read during the next window too
        try:
            cache.incr(key)
        except ValueError:
            _warn_if_off()
            return


def authenticate_limited(request, credentials: dict, authenticate: Callable):
    """Refuse while the limit holds (even the right password), count a failure otherwise."""
    login = _login_of(credentials)
    if signin_blocked(request, login):
        logger.info("signin_limited", address=client_address(request))
        raise get_adapter(request).validation_error("too_many_login_attempts")
    user = authenticate()
    if user is None:
        signin_failure_record(request, login)
    return user


def second_factor_blocked(request, user) -> bool:
    """Too many wrong second-factor codes for this person or in this session: while it holds
    the right code is refused too, so guessing cannot go on at 3 codes a second."""
    return _blocked(_second_factor_scopes(request, user))


def second_factor_failure_record(request, user) -> None:
    _record(_second_factor_scopes(request, user))
