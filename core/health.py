"""Dependency checks for GET /healthz. Each returns (state, detail).

Every check is bounded: the database check runs in a small thread pool and is abandoned after
HEALTHCHECK_TIMEOUT_SECONDS (a hung PostgreSQL cannot hold the probe), Redis and the broker
are pinged with socket timeouts, the worker is asked through Celery's inspect with a timeout
and the answer cached HEALTHCHECK_WORKER_CACHE_SECONDS. `since` records when a part first
failed in this process, so the page says for how long it has been degraded.
"""

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlparse

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .cache import cache_breaker
from .outbox import outbox_oldest_pending_age

# Two threads: a hung database ties up at most these, later probes time out at once.
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")
_since: dict[str, float] = {}

BEAT_KEY = "relevo:healthz:beat-last-run"
WORKER_KEY = "relevo:healthz:worker"
_local_worker: dict[str, tuple[float, tuple[str, str]]] = {}


def _timeout() -> float:
    return settings.HEALTHCHECK_TIMEOUT_SECONDS


def _database_probe() -> str:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET statement_timeout = %s", [int(_timeout() * 1000)])
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor
    finally:
        # The pool thread's own connection: closed, so that no idle connection outlives the
        # probe (a database being dropped or restored must not find it).
        connection.close()


def check_database() -> tuple[str, str]:
    future = _pool.submit(_database_probe)
    try:
        return "up", future.result(timeout=_timeout())
    except FutureTimeout:
        return "down", f"no answer within {_timeout():g} s"
    except Exception as exc:
        return "down", exc.__class__.__name__


def check_cache() -> tuple[str, str]:
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return "up", "local-memory"
    try:
        redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"],
            socket_connect_timeout=_timeout(),
            socket_timeout=_timeout(),
        ).ping()
    except Exception as exc:
        return "down", exc.__class__.__name__
    if cache_breaker.is_open():
        return "degraded", "answering again; skipped for a few seconds after a failure"
    return "up", "redis"


def check_broker() -> tuple[str, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "up", "eager"
    url = urlparse(settings.CELERY_BROKER_URL)
    if url.scheme in {"redis", "rediss"}:
        try:
            redis.Redis.from_url(
                settings.CELERY_BROKER_URL,
                socket_connect_timeout=_timeout(),
                socket_timeout=_timeout(),
            ).ping()
        except Exception as exc:
            return "down", exc.__class__.__name__
        return "up", "redis"
    try:
        with socket.create_connection(
            (url.hostname or "127.0.0.1", url.port or 5672), timeout=_timeout()
        ):
            pass
    except OSError as exc:
        return "down", exc.__class__.__name__
    return "up", url.scheme


def _ask_workers() -> tuple[str, str]:
    try:
        replies = current_app.control.inspect(timeout=_timeout()).ping() or {}
    except Exception as exc:
        return "down", exc.__class__.__name__
    if not replies:
        return "down", "no worker answered"
    return "up", f"{len(replies)} worker(s)"


def check_worker() -> tuple[str, str]:
    """A Celery worker answers a ping (cached: the inspect round trip costs up to a second)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "up", "eager"
    ttl = settings.HEALTHCHECK_WORKER_CACHE_SECONDS
    now = time.time()
    cached = cache.get(WORKER_KEY) or _local_worker.get(WORKER_KEY)
    if cached and now - cached[0] < ttl:
        return tuple(cached[1])
    result = _ask_workers()
    entry = (now, result)
    _local_worker[WORKER_KEY] = entry
    cache.set(WORKER_KEY, entry, ttl)
    return result


def beat_ran() -> None:
    """Called by the outbox sweep (sent by beat every OUTBOX_SWEEP_SECONDS)."""
    cache.set(BEAT_KEY, time.time(), None)


def check_beat() -> tuple[str, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "up", "eager"
    last = cache.get(BEAT_KEY)
    if last is None:
        return "degraded", "no sweep recorded (beat not running, or the cache was emptied)"
    age = time.time() - float(last)
    if age > settings.HEALTHCHECK_BEAT_MAX_AGE_SECONDS:
        return "down", f"last sweep {age:.0f} s ago"
    return "up", f"last sweep {age:.0f} s ago"


def check_outbox() -> tuple[str, str]:
    """Asked after the database answered within its timeout (health_report), in the request's
    own connection: it must see what the request's transaction sees."""
    try:
        age = outbox_oldest_pending_age()
    except Exception as exc:
        return "down", exc.__class__.__name__
    if age is None:
        return "up", "empty"
    seconds = age.total_seconds()
    state = "degraded" if seconds > settings.HEALTHCHECK_OUTBOX_MAX_AGE_SECONDS else "up"
    return state, f"oldest pending message {seconds:.0f} s old"


CHECKS = {
    "database": "check_database",
    "cache": "check_cache",
    "broker": "check_broker",
    "worker": "check_worker",
    "beat": "check_beat",
    "outbox": "check_outbox",
}


def health_report() -> dict:
    """{"status": ok|degraded|down, "checks": {name: {state, detail, since}}}.

    `down` only when pages cannot be served (the database); any other part not up makes the
    site `degraded`.
    """
    module = globals()
    checks = {}
    now = time.time()
    for name, function in CHECKS.items():
        if name == "outbox" and checks["database"]["state"] != "up":
            state, detail = "unknown", "database down"
        else:
            state, detail = module[function]()
        if state == "up":
            _since.pop(name, None)
            since = None
        else:
            since = _since.setdefault(name, now)
        checks[name] = {
            "state": state,
            "detail": detail,
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since)) if since else None,
        }
    if checks["database"]["state"] != "up":
        status = "down"
    elif all(check["state"] == "up" for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return {"status": status, "checks": checks}
