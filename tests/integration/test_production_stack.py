"""The production stack, exercised: gunicorn (2 workers), a Celery worker and beat as separate
processes, on the test database (PostgreSQL) and a private Redis this test starts and stops.

Runs in the services run (`make test-services`, RELEVO_REQUIRE_SERVICES=1 with DATABASE_URL on
PostgreSQL); skipped otherwise. The machine's Redis is never touched: outages are staged on a
redis-server of our own, on a free port.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from bench.stack import (
    ROOT,
    celery_beat_command,
    celery_worker_command,
    ensure_static,
    free_port,
    gunicorn_command,
    production_environment,
    spawn,
    stop,
    wait_for_http,
)
from tests.core import db_snapshot

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("RELEVO_REQUIRE_SERVICES") != "1",
        reason="production-stack test: runs in the services run "
        "(RELEVO_REQUIRE_SERVICES=1 with DATABASE_URL on PostgreSQL, `make test-services`)",
    ),
]

REDIS_SERVER = shutil.which("redis-server")


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class PrivateRedis:
    """A redis-server of this test's own (no persistence), stopped and restarted at will."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = spawn(args, dict(os.environ), self.workdir / "redis.log")
        import redis

        client = redis.Redis.from_url(self.url(0), socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                return False

        wait_until(answers, timeout=15, what="the private redis-server")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@dataclass
class ProductionStack:
    base_url: str
    env: dict
    logs: Path
    redis: PrivateRedis
    web: subprocess.Popen
    beat: subprocess.Popen
    worker: subprocess.Popen | None = None
    worker_name: str = ""

    def start_worker(self, *, wait: bool = False) -> None:
        self.worker_name = f"relevo-it-{time.time_ns()}@{socket.gethostname()}"
        self.worker = spawn(
            celery_worker_command(1, "--hostname", self.worker_name),
            self.env,
            self.logs / "worker.log",
        )
        if wait:
            wait_until(self._worker_answers, timeout=90, what="the Celery worker to start")

    def _worker_answers(self) -> bool:
        ping = [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping"]
        result = subprocess.run(
            [*ping, "-d", self.worker_name, "-t", "2"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.returncode == 0 and "pong" in result.stdout

    def kill_worker(self) -> None:
        """kill -9 the worker and its pool: no warm shutdown, no acknowledgement."""
        assert self.worker is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, 9)
        self.worker.wait(10)
        self.worker = None

    def get(self, path: str, cookie: str = "") -> tuple[int, bytes]:
        """GET without following redirects: a signed-in page must answer 200 itself."""
        url = self.base_url + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
        try:
            with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post(self, path: str, cookie: str, data: dict | None = None) -> int:
        """A form POST as a browser sends it: session cookie plus the CSRF cookie and token."""
        token = "relevoIntegrationCsrfToken000001"  # 32 characters, a valid CSRF secret
        body = "&".join(f"{k}={v}" for k, v in (data or {}).items()).encode()
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base_url + path,
            data=body,
            method="POST",
            headers={
                "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def logs_tail(self) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(parts)


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _reset_sequences() -> None:
    """The restored snapshot keeps its primary keys while the flush before it restarted the
    sequences: move them past the restored rows, or the next page or group would collide."""
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def _restorable_database(django_db_setup, django_db_blocker):
    """The stack's processes see only committed rows: a transactional test, after which the
    migrated data (roles, home page) is restored for the tests that follow (see
    tests/core/db_snapshot.py for why the restore needs preparing)."""
    if connection.vendor != "postgresql":
        pytest.skip("production-stack test needs PostgreSQL (DATABASE_URL=postgres://...)")
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    db_snapshot.remember()
    db_snapshot.prepare_restore(django_db_blocker)


@pytest.fixture
def stack(
    _restorable_database, transactional_db, django_db_serialized_rollback
) -> Iterator[ProductionStack]:
    _reset_sequences()
    workdir = Path(tempfile.mkdtemp(prefix="relevo-stack-"))
    redis = PrivateRedis(workdir)
    redis.start()
    env = production_environment(
        database_url=_database_url(),
        redis_url=redis.url(0),
        broker_url=redis.url(1),
        var_dir=workdir,
        # Redelivery after a killed worker within seconds, and a sweep every 2 s.
        CELERY_VISIBILITY_TIMEOUT="5",
        OUTBOX_SWEEP_SECONDS="2",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        # Sessions made here with the test client must be valid there.
        SECRET_KEY=settings.SECRET_KEY,
    )
    ensure_static(env)
    port = free_port()
    web = spawn(gunicorn_command(f"127.0.0.1:{port}"), env, workdir / "gunicorn.log")
    beat = spawn(celery_beat_command(workdir / "beat-schedule"), env, workdir / "beat.log")
    running = ProductionStack(
        base_url=f"http://127.0.0.1:{port}", env=env, logs=workdir, redis=redis, web=web, beat=beat
    )
    running.start_worker()
    try:
        wait_for_http(f"{running.base_url}/healthz", timeout=90, process=web)
        yield running
    finally:
        # Shown by pytest only when the test fails.
        print(running.logs_tail(), file=sys.stderr)
        for process in (running.worker, running.beat, running.web):
            if process is not None:
                stop(process)
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        db_snapshot.attach()


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def enqueue_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    """Run Django code as the web would: production settings, the stack's broker."""
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


ENQUEUE_OUTBOX = """
from django.db import transaction
from core.outbox import outbox_enqueue
with transaction.atomic():
    message = outbox_enqueue(task_name="core.tasks.outbox_sweep", kwargs={}, dedupe_key=%r)
print(message.pk)
"""


def certificates_landed() -> bool:
    from django.apps import apps

    try:
        apps.get_model("certificates", "Certificate")
        apps.get_model("courses", "LessonPage")
    except LookupError:
        return False
    from django.urls import Resolver404, resolve

    try:
        resolve("/cursos/lecciones/1/completar/")
    except Resolver404:
        return False
    return True


def make_course(slug: str, lessons: int = 2):
    """A public course of a few lessons, completed when every lesson is done."""
    from tests.factories import make_course as build

    course = build(
        title=f"Curso {slug}",
        slug=slug,
        summary="Curso de la prueba de integración.",
        visibility="public",
        lessons=lessons,
    )
    lesson_ids = list(course.get_children().order_by("path").values_list("pk", flat=True))
    return course, lesson_ids


def complete_course_over_http(stack, learner, course, lesson_ids) -> None:
    cookie = session_cookie(learner)
    assert stack.post(f"/cursos/inscribirse/{course.pk}/", cookie) == 302
    for lesson_id in lesson_ids:
        assert stack.post(f"/cursos/lecciones/{lesson_id}/completar/", cookie) == 302


def certificates_for(learner, course) -> int:
    from certificates.models import Certificate

    return Certificate.objects.filter(learner=learner, course=course).count()


def outbox_message(dedupe_key: str):
    from core.models import OutboxMessage

    return OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()


def test_production_stack_serves_processes_and_survives_worker_and_redis_loss(stack, learner):
    """One stack, started once (it is the slow part), taken through each phase in turn."""
    cookie = session_cookie(learner)

    # 1. gunicorn serves pages and the health check from PostgreSQL and Redis; "ok" once the
    # worker answers its ping and beat's first sweep has run.
    wait_until(lambda: b'"status": "ok"' in stack.get("/healthz")[1], timeout=90, what="healthz ok")
    status, body = stack.get("/")
    assert status == 200
    assert b"<html" in body.lower()
    status, _body = stack.get("/inicio/", cookie)
    assert status == 200

    # 2. A message recorded by a web-like process reaches the worker through Redis, once.
    result = enqueue_in_subprocess(stack.env, ENQUEUE_OUTBOX % "it-outbox-1")
    assert result.returncode == 0, result.stderr
    wait_until(
        lambda: (m := outbox_message("it-outbox-1")) and m.completed_at,
        timeout=60,
        what="the worker to run the outbox message",
    )

    # 3. kill -9 the worker right after enqueuing: the message is either unacknowledged in the
    # dead worker (acks late: redelivered after the visibility timeout) or still queued. Either
    # way the restarted worker runs it.
    result = enqueue_in_subprocess(stack.env, ENQUEUE_OUTBOX % "it-outbox-killed")
    assert result.returncode == 0, result.stderr
    stack.kill_worker()
    stack.start_worker()
    wait_until(
        lambda: (m := outbox_message("it-outbox-killed")) and m.completed_at,
        timeout=90,
        what="the restarted worker to run the message again",
    )

    # 4. Redis stops: the web keeps serving from PostgreSQL (cache misses, not errors), the
    # health check says degraded, and work recorded meanwhile stays in the outbox.
    stack.redis.stop()
    try:
        for path in ("/", "/inicio/"):
            status, _body = stack.get(path, cookie)
            assert status == 200, path
        status, body = stack.get("/healthz")
        assert status == 200
        assert b'"status": "degraded"' in body
        result = enqueue_in_subprocess(stack.env, ENQUEUE_OUTBOX % "it-outbox-outage")
        assert result.returncode == 0, result.stderr
        message = outbox_message("it-outbox-outage")
        assert message is not None
        assert message.completed_at is None
        assert message.enqueued_at is None  # the send failed fast and was recorded as such
    finally:
        stack.redis.start()

    # 5. Redis is back: beat's sweep resends the message and the worker runs it.
    wait_until(
        lambda: (m := outbox_message("it-outbox-outage")) and m.completed_at,
        timeout=120,
        what="the outbox sweep to resend the message after the outage",
    )
    wait_until(
        lambda: b'"status": "ok"' in stack.get("/healthz")[1], timeout=90, what="healthz ok again"
    )


@pytest.mark.skipif(
    not certificates_landed(), reason="needs the courses views and the certificates app"
)
def test_course_completed_over_http_gets_exactly_one_certificate_through_worker(stack, make_user):
    from core.roles import Role

    course, lesson_ids = make_course("curso-integracion")

    # 1. Complete a course over HTTP: the worker issues the certificate.
    first = make_user(Role.LEARNER)
    complete_course_over_http(stack, first, course, lesson_ids)
    wait_until(lambda: certificates_for(first, course), timeout=120, what="the first certificate")

    # 2. kill -9 the worker while it issues. A freshly started worker takes seconds over its
    # first certificate (fonts, key), so killing it right after the completion lands in the
    # middle of issuing. The restarted worker gets the task again (acks late, 5 s visibility
    # timeout); the constraint and the idempotent service leave exactly one certificate.
    stack.kill_worker()
    stack.start_worker(wait=True)
    second = make_user(Role.LEARNER)
    complete_course_over_http(stack, second, course, lesson_ids)
    stack.kill_worker()
    if certificates_for(second, course):
        warnings.warn("the worker finished issuing before the kill", stacklevel=1)
    stack.start_worker()
    wait_until(
        lambda: certificates_for(second, course), timeout=120, what="the redelivered issuance"
    )
    dedupe_key = f"certificate:{second.enrolments.get(course=course).pk}"
    wait_until(
        lambda: outbox_message(dedupe_key).completed_at,
        timeout=30,
        what="the outbox message to be marked completed",
    )

    # 3. Redis stops: pages keep answering and a completion made meanwhile is recorded in the
    # outbox; once Redis is back, beat's sweep sends it and the certificate appears.
    third = make_user(Role.LEARNER)
    stack.redis.stop()
    try:
        status, _body = stack.get(course.get_url(), session_cookie(third))
        assert status == 200
        status, body = stack.get("/healthz")
        assert b'"status": "degraded"' in body
        complete_course_over_http(stack, third, course, lesson_ids)
        assert certificates_for(third, course) == 0
    finally:
        stack.redis.start()
    wait_until(
        lambda: certificates_for(third, course),
        timeout=180,
        what="the certificate of the completion made during the outage",
    )

    time.sleep(3)  # a late duplicate delivery would show up now
    for learner in (first, second, third):
        assert certificates_for(learner, course) == 1
