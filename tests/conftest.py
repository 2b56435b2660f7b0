import faulthandler
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
# Past pytest-timeout's 600 s (pyproject.toml), which gets the first chance to fail a slow test.
HANG_SECONDS = int(os.environ.get("RELEVO_HANG_SECONDS", "660"))
HANG_LOGS = os.environ.get(
    "RELEVO_HANG_LOGS",
    os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test-hangs"),
)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def pytest_configure(config):
    # force_login leaves the records of a complete allauth sign-in (tests/core/signin.py).
    from tests.core import signin

    signin.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A watchdog that needs no GIL. pytest-timeout raises from a signal handler, which never
    runs while another thread holds the GIL (a deadlock in a C extension, for instance); then
    one hung test held CI until its limit. faulthandler's own thread writes every thread's
    stack to var/test-hangs/ and ends the process; xdist reports the test as crashed and starts
    a new worker, so the rest of the run goes on."""
    os.makedirs(HANG_LOGS, exist_ok=True)
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(HANG_LOGS, f"{name}.log"), "w") as log:
        log.write(f"\n== {item.nodeid}\n")
        log.flush()
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=log)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()


def pytest_sessionstart(session):
    if os.environ.get("RELEVO_REQUIRE_SERVICES") != "1":
        return
    db = os.environ.get("DATABASE_URL", "")
    problems = []
    if not db.startswith("postgres"):
        problems.append("DATABASE_URL must point at PostgreSQL")
    elif not _reachable(db, 5432):
        problems.append(f"PostgreSQL does not answer at {db}")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(name, "")
        if not url.startswith("redis"):
            problems.append(f"{name} must point at Redis")
        elif not _reachable(url, 6379):
            problems.append(f"Redis does not answer at {url}")
    if problems:
        pytest.exit("The services run needs real services: " + "; ".join(problems), returncode=1)


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} missing: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not os.path.exists(CHROMIUM):
        terminalreporter.write_sep(
            "!",
            "BROWSER TESTS SKIPPED: install Debian's chromium (apt-get install chromium)",
            red=True,
        )


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path_factory):
    from django.core.cache import cache

    from core.cache import cache_breaker
    from core.outbox import broker_breaker

    # The breakers are per process: one tripped by a test of a dead Redis or broker would
    # turn the next tests' cache off for seconds (the sign-in limiter fails open, /healthz
    # says degraded), depending on which tests share the xdist worker.
    cache_breaker.reset()
    broker_breaker.reset()
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = media
    settings.PRIVATE_MEDIA_ROOT = media / "private"
    cache.clear()
    yield
    cache_breaker.reset()
    broker_breaker.reset()
    cache.clear()
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def make_user(db):
    from tests.core.factories import UserFactory

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def learner(make_user):
    from core.roles import Role

    return make_user(Role.LEARNER)


@pytest.fixture
def flaky_smtp(settings):
    """`flaky_smtp({2})`: the second e-mail delivery of the test fails (a dropped SMTP
    connection), every other one is delivered to `mail.outbox`."""
    from tests.core.flaky_mail import FlakyBackend

    settings.EMAIL_BACKEND = "tests.core.flaky_mail.FlakyBackend"
    FlakyBackend.attempts = 0

    def fail_on(numbers):
        FlakyBackend.fail_on = set(numbers)

    yield fail_on
    FlakyBackend.fail_on = set()
