"""Dependency checks for GET /healthz. Each returns (state, detail)."""

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection


def check_database() -> tuple[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return "down", exc.__class__.__name__
    return "up", connection.vendor


def check_cache() -> tuple[str, str]:
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return "up", "local-memory"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"],
            socket_connect_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
            socket_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
        )
        client.ping()
    except Exception as exc:
        return "down", exc.__class__.__name__
    return "up", "redis"


def check_broker() -> tuple[str, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "up", "eager"
    url = urlparse(settings.CELERY_BROKER_URL)
    if url.scheme in {"redis", "rediss"}:
        import redis

        try:
            redis.Redis.from_url(
                settings.CELERY_BROKER_URL,
                socket_connect_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
                socket_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
            ).ping()
        except Exception as exc:
            return "down", exc.__class__.__name__
        return "up", "redis"
    try:
        with socket.create_connection(
            (url.hostname or "127.0.0.1", url.port or 5672),
            timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
        ):
            pass
    except OSError as exc:
        return "down", exc.__class__.__name__
    return "up", url.scheme
