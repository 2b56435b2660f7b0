"""Integration harness: a REAL Celery worker (subprocess) on Redis, against the test database.

Runs when `RELEVO_REQUIRE_SERVICES=1` (`make test-services`, `.ci/run`: services missing is then
an error, see tests/conftest.py) or when DATABASE_URL is PostgreSQL and the Redis broker
answers; otherwise each test is skipped with the reason.

Fixtures:
- `celery_worker`: one worker per test session (so per xdist worker), consuming its own queue
  so that parallel test processes never take each other's tasks; the test process sends to
  that queue for real (eager mode off) for the duration of the test.
- `wait_for(predicate, timeout=...)`: polls until the predicate holds, failing with the
  worker's log.

Tests here commit their data (`transactional_db`: the worker reads it through its own
connection) and get the migrated data back afterwards (serialized rollback).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.core import db_snapshot

ROOT = Path(__file__).resolve().parents[2]


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def services_missing() -> str | None:
    """Why the real services cannot be used, or None when they can."""
    if os.environ.get("RELEVO_REQUIRE_SERVICES") == "1":
        return None  # tests/conftest.py has already refused to start without them
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith(("postgres", "pgsql")):
        return "integration tests need DATABASE_URL on PostgreSQL (run `make test-services`)"
    if not broker_url.startswith("redis"):
        return "integration tests need CELERY_BROKER_URL on Redis (run `make test-services`)"
    if not _answers(database_url, 5432):
        return f"PostgreSQL does not answer at {database_url}"
    if not _answers(broker_url, 6379):
        return f"Redis does not answer at {broker_url}"
    return None


def _database_url_for(settings_dict: dict) -> str:
    """DATABASE_URL with the test database's name, for the worker process."""
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path="/" + settings_dict["NAME"]))


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, log_path: Path):
        self.process = process
        self.queue = queue
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-5000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def _services():
    reason = services_missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def _celery_worker_process(_services, request, django_db_setup, tmp_path_factory):
    from django.db import connection

    db_snapshot.remember()
    xdist_worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    queue = f"relevo-test-{xdist_worker}-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url_for(connection.settings_dict),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=warning",
        "--pool=solo",
        # The default queue and the certificates one (config.celery.route_task).
        f"--queues={queue},{queue}-certificates",
        f"--hostname={queue}@%h",
        "--include=tests.integration.tasks",
        "--without-gossip",
        "--without-mingle",
    ]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = Worker(process, queue, log_path)
    yield worker
    worker.stop()


@pytest.fixture
def _integration_database(_celery_worker_process, django_db_blocker):
    db_snapshot.prepare_restore(django_db_blocker)


@pytest.fixture
def celery_worker(
    _integration_database, transactional_db, django_db_serialized_rollback, _celery_worker_process
):
    """The running worker; while the test runs, tasks are sent to it through Redis."""
    from config.celery import app

    worker = _celery_worker_process
    assert worker.process.poll() is None, "The Celery worker died:\n" + worker.log()
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = worker.queue
    app.amqp.__dict__.pop("queues", None)  # routing reads the default queue once: reset it
    app.amqp.__dict__.pop("router", None)
    app.amqp.__dict__.pop("default_queue", None)
    yield worker
    app.conf.update(saved)
    app.amqp.__dict__.pop("queues", None)
    app.amqp.__dict__.pop("router", None)
    app.amqp.__dict__.pop("default_queue", None)
    db_snapshot.attach()


@pytest.fixture
def wait_for(celery_worker):
    def wait(predicate, *, timeout: float = 60.0, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if celery_worker.process.poll() is not None:
                pytest.fail("The Celery worker died:\n" + celery_worker.log())
            time.sleep(0.2)
        pytest.fail(
            f"Timed out after {timeout}s waiting for {what}. Worker log:\n" + celery_worker.log()
        )

    return wait
