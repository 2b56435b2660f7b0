"""Test settings: base settings with a fast hasher, in-memory e-mail and eager Celery.

DATABASE_URL / REDIS_URL / CELERY_BROKER_URL from the environment still apply, so the same suite
runs on SQLite (default) and on PostgreSQL with Redis (`.ci/run`).
"""

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

# A fresh key per test run: every key written in the repository is refused with DEBUG off.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("LOG_JSON", "0")
os.environ.setdefault("MFA_REQUIRED_FOR_ROLES", "Administrador,Talento humano")

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Each test run (and each xdist worker) writes files under its own temporary folder.
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_MEDIA_ROOT = MEDIA_ROOT / "private"
CERTIFICATE_DEV_KEY_DIR = BASE_DIR / "var" / "test-keys"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = True  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Parallel test processes must not share one Redis cache database: a worker's cache.clear()
# would empty another's cache in the middle of a query-count test.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if env.str("REDIS_URL", default="") and _xdist_worker.startswith("gw"):
    from .base import CACHES

    _base = env.str("REDIS_URL").rsplit("/", 1)[0]
    CACHES["default"]["LOCATION"] = f"{_base}/{5 + int(_xdist_worker[2:]) % 11}"

# SQLite tests use a database file (in RAM where /dev/shm exists), never Django's shared in-memory
# database. With an in-memory database, Django hands the live server's request threads the test
# thread's one connection; two threads on one sqlite3 connection deadlock when a query calls a
# Python SQL function (TruncMonth, for instance): the first holds SQLite's mutex and waits for
# the GIL, the second holds the GIL and waits for the mutex. The browser tests then hung for
# good (no timeout can fire without the GIL), and CI ran out of time. With a file, each thread
# opens its own connection, as in production. pytest-django adds the xdist worker's suffix.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _ram = Path("/dev/shm")  # noqa: S108 (test databases only, one name per checkout)
    _folder = _ram if _ram.is_dir() and os.access(_ram, os.W_OK) else Path(tempfile.gettempdir())
    # One name per checkout: two checkouts' runs never share a database file.
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        _folder / f"relevo-test-{_checkout}.sqlite3"
    )
