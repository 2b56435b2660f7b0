"""Test settings: base settings with a fast hasher, in-memory e-mail and eager Celery.

DATABASE_URL / REDIS_URL / CELERY_BROKER_URL from the environment still apply, so the same suite
runs on SQLite (default) and on PostgreSQL with Redis (`.ci/run`).
"""

import os
import secrets

# A fresh key per test run: every key written in the repository is refused with DEBUG off.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("LOG_JSON", "0")
os.environ.setdefault("MFA_REQUIRED_FOR_ROLES", "Administrador,Talento humano")

from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES, env

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
