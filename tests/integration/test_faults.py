"""Faults staged on the production stack (issue 16): each phase asserts counts (0 lost, 0
duplicated, 0 5xx, 0 orphan files) and prints its timings (reported, never asserted).

One stack (gunicorn, a Celery worker, beat, PostgreSQL's test database, a private Redis this
test starts and stops) taken through the faults in turn, serially: a sign-in rush through one
proxy address, Redis killed during sign-ins and completions, Redis hung (SIGSTOP), the worker
killed mid-batch, the broker's queue lost, and the test database's connections terminated
(`pg_terminate_backend` on this database only, never the server). Runs in the services run
(`make test-services`); skipped otherwise. Production values except a 5 s sweep period.
"""

import contextlib
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from bench.stack import (
    celery_beat_command,
    ensure_static,
    free_port,
    gunicorn_command,
    production_environment,
    spawn,
    stop,
    wait_for_http,
)
from tests.core import db_snapshot
from tests.factories import PASSWORD
from tests.integration.test_production_stack import (
    REDIS_SERVER,
    PrivateRedis,
    ProductionStack,
    _database_url,
    _NoRedirect,
    _reset_sequences,
    _restorable_database,  # noqa: F401 - fixture used below
    make_course,
    session_cookie,
    wait_until,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("RELEVO_REQUIRE_SERVICES") != "1",
        reason="fault tests: run in the services run (RELEVO_REQUIRE_SERVICES=1, PostgreSQL)",
    ),
]

NAT = "203.0.113.50"  # every learner behind the ministry's one address
CSRF = "relevoIntegrationCsrfToken000001"
SLOW = 2.0  # seconds: the bound for any request during a cache fault (reported)


def timed(function, *args, **kwargs):
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start


def request(stack, path: str, *, cookie: str = "", data: dict | None = None) -> int:
    headers = {"Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}", "X-Forwarded-For": NAT}
    body = None
    if data is not None:
        body = urlencode(data).encode()
        headers |= {"X-CSRFToken": CSRF, "Content-Type": "application/x-www-form-urlencoded"}
    req = urllib.request.Request(stack.base_url + path, data=body, headers=headers)  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(req, timeout=180) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def sign_in(stack, email: str) -> tuple[int, float]:
    return timed(request, stack, "/cuenta/login/", data={"login": email, "password": PASSWORD})


def complete(stack, learner, course, lesson_ids) -> list[tuple[int, float]]:
    cookie = session_cookie(learner)
    results = [timed(request, stack, f"/cursos/inscribirse/{course.pk}/", cookie=cookie, data={})]
    for lesson_id in lesson_ids:
        results.append(
            timed(
                request, stack, f"/cursos/lecciones/{lesson_id}/completar/", cookie=cookie, data={}
            )
        )
    return results


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values or [0])[0]


def report(phase: str, timings: list[float], **counts) -> None:
    print(
        f"[faults] {phase}: requests={len(timings)} max={max(timings, default=0):.2f}s "
        f"p95={p95(timings):.2f}s " + " ".join(f"{k}={v}" for k, v in counts.items()),
        file=sys.stderr,
    )


def certificate_counts(learners, course) -> list[int]:
    from certificates.models import Certificate

    return [Certificate.objects.filter(learner=u, course=course).count() for u in learners]


def orphan_files(workdir: Path) -> int:
    from certificates.models import Certificate

    named = set(Certificate.objects.exclude(pdf="").values_list("pdf", flat=True))
    root = workdir / "private-media"
    files = {str(p.relative_to(root)) for p in root.rglob("*.pdf")} if root.exists() else set()
    return len(files - named)


def wait_certificates(learners, course, *, since: float, what: str) -> float:
    wait_until(lambda: all(certificate_counts(learners, course)), timeout=150, what=what)
    return time.monotonic() - since


@pytest.fixture
def fault_stack(_restorable_database, transactional_db, django_db_serialized_rollback):  # noqa: F811
    _reset_sequences()
    workdir = Path(tempfile.mkdtemp(prefix="relevo-faults-"))
    private = PrivateRedis(workdir)
    private.start()
    env = production_environment(
        database_url=_database_url(),
        redis_url=private.url(0),
        broker_url=private.url(1),
        var_dir=workdir,
        OUTBOX_SWEEP_SECONDS="5",
        TRUSTED_PROXY_COUNT="1",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        SECRET_KEY=settings.SECRET_KEY,
    )
    ensure_static(env)
    port = free_port()
    web = spawn(gunicorn_command(f"127.0.0.1:{port}"), env, workdir / "gunicorn.log")
    beat = spawn(celery_beat_command(workdir / "beat-schedule"), env, workdir / "beat.log")
    running = ProductionStack(
        base_url=f"http://127.0.0.1:{port}",
        env=env,
        logs=workdir,
        redis=private,
        web=web,
        beat=beat,
    )
    running.start_worker(wait=True)
    try:
        wait_for_http(f"{running.base_url}/healthz", timeout=90, process=web)
        yield running, workdir
    finally:
        print(running.logs_tail(), file=sys.stderr)
        for process in (running.worker, running.beat, running.web):
            if process is not None:
                stop(process)
        if private.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(private.process.pid, signal.SIGCONT)
        private.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        db_snapshot.attach()


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")
def test_faults_lose_nothing_duplicate_nothing_and_never_hang(fault_stack, make_user):
    from core.models import OutboxMessage
    from core.roles import Role

    stack, workdir = fault_stack
    started = time.monotonic()
    course, lesson_ids = make_course("curso-fallos", lessons=1)
    # The production hasher (the stack does not know the test suite's MD5 one); one hash for all.
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt0000001")
    learners = [make_user(Role.LEARNER) for _ in range(44)]
    user_model = type(learners[0])
    user_model.objects.filter(pk__in=[u.pk for u in learners]).update(password=encoded)
    # Sessions made below carry a hash of the password: read the new one back.
    learners = list(user_model.objects.filter(pk__in=[u.pk for u in learners]).order_by("pk"))
    pool = ThreadPoolExecutor(max_workers=4)
    all_learners = []

    # 1. Sign-in rush through one proxy address: nobody refused, no lock contention.
    rush = list(pool.map(lambda u: sign_in(stack, u.email), learners[:16]))
    seconds = time.monotonic() - started
    statuses = [s for s, _t in rush]
    report(
        "sign_in_rush",
        [t for _s, t in rush],
        users=16,
        refused=statuses.count(429),
        ok=statuses.count(302),
        wall=f"{seconds:.1f}s",
    )
    assert statuses.count(302) == 16, statuses

    # 2. Redis killed during sign-ins and completions.
    stack.redis.stop()
    try:
        outage = list(pool.map(lambda u: sign_in(stack, u.email), learners[24:30]))
        batch = learners[30:33]
        completions = [r for u in batch for r in complete(stack, u, course, lesson_ids)]
        status, health = timed(lambda: urllib.request.urlopen(stack.base_url + "/healthz").read())  # noqa: S310
        timings = [t for _s, t in outage + completions]
        report(
            "redis_down",
            timings,
            sign_ins_ok=[s for s, _t in outage].count(302),
            errors_5xx=sum(s >= 500 for s, _t in outage + completions),
            healthz=f"{health:.2f}s",
        )
        assert all(s == 302 for s, _t in outage), outage
        assert all(s < 500 for s, _t in completions), completions
        assert b'"degraded"' in status
        assert certificate_counts(batch, course) == [0, 0, 0]
        # The completions were recorded (the outbox holds their issuance) while Redis was down.
        issuing = OutboxMessage.objects.filter(task_name="certificates.tasks.issue_certificate")
        assert issuing.count() == len(batch)
    finally:
        stack.redis.start()
    back = time.monotonic()
    recovered = wait_certificates(
        batch, course, since=back, what="certificates after Redis came back"
    )
    report("redis_down_recovery", [], certificates_after=f"{recovered:.1f}s")
    all_learners += batch

    # 3. Redis hung (SIGSTOP): no request waits more than a short timeout per breaker window.
    os.kill(stack.redis.process.pid, signal.SIGSTOP)
    try:
        hung_batch = learners[33:36]
        pages = [timed(request, stack, "/inicio/", cookie=session_cookie(u)) for u in hung_batch]
        completions = [r for u in hung_batch for r in complete(stack, u, course, lesson_ids)]
        timings = [t for _s, t in pages + completions]
        report(
            "redis_hung",
            timings,
            over_2s=sum(t > SLOW for t in timings),
            errors_5xx=sum(s >= 500 for s, _t in pages + completions),
        )
        assert all(s < 500 for s, _t in pages + completions), pages + completions
    finally:
        os.kill(stack.redis.process.pid, signal.SIGCONT)
    back = time.monotonic()
    recovered = wait_certificates(hung_batch, course, since=back, what="certificates after SIGCONT")
    report("redis_hung_recovery", [], certificates_after=f"{recovered:.1f}s")
    all_learners += hung_batch

    # 4. Worker killed (kill -9) mid-batch: the sweep brings the certificates back.
    kill_batch = learners[36:40]
    for user in kill_batch:
        complete(stack, user, course, lesson_ids)
    time.sleep(0.5)
    stack.kill_worker()
    stack.start_worker()
    back = time.monotonic()
    recovered = wait_certificates(
        kill_batch, course, since=back, what="certificates after the worker kill"
    )
    report("worker_killed", [], certificates_after=f"{recovered:.1f}s")
    all_learners += kill_batch

    # 5. The broker loses its queue (worker stopped, FLUSHDB of the broker's database).
    stop(stack.worker)
    stack.worker = None
    lost_batch = learners[40:44]
    for user in lost_batch:
        complete(stack, user, course, lesson_ids)
    redis.Redis.from_url(stack.env["CELERY_BROKER_URL"]).flushdb()
    stack.start_worker()
    back = time.monotonic()
    recovered = wait_certificates(
        lost_batch, course, since=back, what="certificates after the queue was lost"
    )
    report("broker_queue_lost", [], certificates_after=f"{recovered:.1f}s")
    all_learners += lost_batch

    # 6. The test database's connections terminated (never the server): pages keep answering.
    # (Learners who never signed in through the form: a form sign-in renews what a session
    # made here from the old row would carry.)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = cursor.fetchone()[0]
    after = [timed(request, stack, "/inicio/", cookie=session_cookie(u)) for u in learners[36:42]]
    report(
        "postgres_terminated",
        [t for _s, t in after],
        terminated=terminated,
        errors_5xx=sum(s >= 500 for s, _t in after),
    )
    assert all(s == 200 for s, _t in after), after

    # Counts: every certificate exactly once, no orphan file, the outbox drained.
    time.sleep(3)
    counts = certificate_counts(all_learners, course)
    orphans = orphan_files(workdir)
    pending = OutboxMessage.objects.filter(completed_at__isnull=True).count()
    report(
        "totals",
        [],
        learners=len(all_learners),
        lost=counts.count(0),
        duplicated=sum(c > 1 for c in counts),
        orphans=orphans,
        outbox_pending=pending,
        wall=f"{time.monotonic() - started:.0f}s",
    )
    assert counts == [1] * len(all_learners)
    assert orphans == 0
