from datetime import timedelta

import pytest
from celery import shared_task
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import outbox_enqueue, outbox_id_of, outbox_sweep

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@shared_task(name="tests.core.record_call")
def record_call(**kwargs) -> None:
    CALLS.append(kwargs)


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    yield
    CALLS.clear()


def _broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(record_call, "apply_async", refuse)


def test_enqueue_sends_nothing_before_commit_and_sends_after(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = outbox_enqueue(task_name="tests.core.record_call", kwargs={"n": 1})
            assert CALLS == []
            assert OutboxMessage.objects.get(pk=message.pk).enqueued_at is None
        assert CALLS == []  # the outermost transaction has not committed yet
    assert len(callbacks) == 1
    assert CALLS == [{"n": 1}]
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.enqueued_at is not None
    # Eager mode: the task ran inside apply_async and task_success marked it completed.
    assert message.completed_at is not None


def test_rolled_back_transaction_leaves_no_message_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_enqueue(task_name="tests.core.record_call", kwargs={"n": 2})
        raise RuntimeError("the change that needed the task failed")
    assert callbacks == []
    assert CALLS == []
    assert not OutboxMessage.objects.exists()


def test_dedupe_key_records_and_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_enqueue(task_name="tests.core.record_call", kwargs={"n": 3}, dedupe_key="k")
        second = outbox_enqueue(task_name="tests.core.record_call", kwargs={"n": 3}, dedupe_key="k")
    assert first.pk == second.pk
    assert CALLS == [{"n": 3}]


def test_failed_send_is_kept_and_resent_by_the_sweep(
    django_capture_on_commit_callbacks, monkeypatch
):
    with monkeypatch.context() as patch:
        _broker_down(patch)
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_enqueue(task_name="tests.core.record_call", kwargs={"n": 4})
        message.refresh_from_db()
        assert CALLS == []
        assert message.enqueued_at is None
        assert message.completed_at is None
        assert "broker unreachable" in message.last_error
        # The broker is still down: the sweep tries, fails and keeps the message.
        assert outbox_sweep() == 0
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.completed_at is None

    # The broker is back.
    assert outbox_sweep() == 1
    message.refresh_from_db()
    assert CALLS == [{"n": 4}]
    assert message.completed_at is not None
    assert message.last_error == ""
    assert message.attempts == 3
    # Completed messages are never sent again.
    assert outbox_sweep() == 0
    assert CALLS == [{"n": 4}]


def test_sweep_resends_a_message_sent_long_ago_and_never_completed(monkeypatch):
    stale = OutboxMessage.objects.create(
        task_name="tests.core.record_call",
        kwargs={"n": 5},
        enqueued_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )
    recent = OutboxMessage.objects.create(
        task_name="tests.core.record_call",
        kwargs={"n": 6},
        enqueued_at=timezone.now() - timedelta(seconds=30),
        attempts=1,
    )
    assert outbox_sweep() == 1
    assert CALLS == [{"n": 5}]
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.completed_at is not None
    assert recent.completed_at is None


def test_unknown_task_name_is_recorded_not_raised():
    message = OutboxMessage.objects.create(task_name="no.such.task", kwargs={})
    assert outbox_sweep() == 0
    message.refresh_from_db()
    assert message.completed_at is None
    assert "no.such.task" in message.last_error


def test_outbox_sweep_command(capsys, monkeypatch):
    OutboxMessage.objects.create(task_name="tests.core.record_call", kwargs={"n": 7})
    call_command("outbox_sweep")
    assert "1 message(s) sent" in capsys.readouterr().out
    assert CALLS == [{"n": 7}]
    assert OutboxMessage.objects.get().completed_at is not None


def test_outbox_id_is_read_from_worker_and_eager_requests():
    from celery.app.task import Context

    # Worker: custom message headers are merged into the request.
    assert outbox_id_of(Context({"id": "x", "outbox_id": 12})) == 12
    # Eager (Task.apply): they stay in request.headers.
    assert outbox_id_of(Context({"id": "x", "headers": {"outbox_id": "13"}})) == 13
    assert outbox_id_of(Context({"id": "x"})) is None
    assert outbox_id_of(None) is None


def test_failing_task_is_not_marked_completed(django_capture_on_commit_callbacks):
    @shared_task(name="tests.core.always_fails")
    def always_fails():
        raise ValueError("boom")

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task_name="tests.core.always_fails", kwargs={})
    message.refresh_from_db()
    assert message.completed_at is None
    assert "boom" in message.last_error


def test_a_fresh_process_connects_the_outbox_receivers_without_importing_tasks_itself():
    """The web process never imports core.tasks on its own: AppConfig.ready() must connect the
    receivers that complete and annotate outbox messages (else an issued certificate's message
    stays open and the sweep sends it again)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup()\n"
        "from celery.signals import task_failure, task_success\n"
        "from core.outbox import _complete_on_success, _record_on_failure\n"
        "assert _complete_on_success in [r for _k, r in task_success.receivers]\n"
        "assert _record_on_failure in [r for _k, r in task_failure.receivers]\n"
        "print('connected')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "connected" in result.stdout


def test_the_outbox_message_of_an_issued_certificate_is_completed(
    django_capture_on_commit_callbacks, make_user
):
    from certificates.models import Certificate
    from certificates.selectors import pending_issuances
    from core.roles import Role
    from tests.certificates.factories import complete_course, make_course

    learner = make_user(Role.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner, make_course())
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    message = OutboxMessage.objects.get(dedupe_key=f"certificate:{enrolment.pk}")
    assert message.completed_at is not None
    assert not pending_issuances().exists()
    assert outbox_sweep() == 0  # nothing is sent again


# --- the sweep re-sends only what was lost; the breaker spares requests a hung broker -------


def _message(n, **fields):
    return OutboxMessage.objects.create(
        task_name="tests.core.record_call", kwargs={"n": n}, attempts=1, **fields
    )


def test_sweep_resends_a_started_task_whose_worker_died_and_not_a_running_one():
    # The task's time limit is CELERY_TASK_TIME_LIMIT (5 min): started 10 min ago = lost.
    now = timezone.now()
    died = _message(
        10, enqueued_at=now - timedelta(minutes=11), started_at=now - timedelta(minutes=10)
    )
    running = _message(
        11, enqueued_at=now - timedelta(minutes=11), started_at=now - timedelta(seconds=20)
    )
    assert outbox_sweep() == 1
    assert CALLS == [{"n": 10}]
    died.refresh_from_db()
    running.refresh_from_db()
    assert died.completed_at is not None
    assert running.completed_at is None


def test_a_backlog_waiting_in_the_queue_is_not_resent(monkeypatch):
    from core import outbox

    old = timezone.now() - timedelta(minutes=6)
    backlog = [_message(n, enqueued_at=old) for n in range(20, 25)]
    monkeypatch.setattr(outbox, "broker_queue_length", lambda: 5000)
    assert outbox_sweep() == 0
    # The queue is empty and they never started: the broker lost them.
    monkeypatch.setattr(outbox, "broker_queue_length", lambda: 0)
    assert outbox_sweep() == len(backlog)
    assert sorted(call["n"] for call in CALLS) == list(range(20, 25))


def test_after_a_broker_failure_the_breaker_skips_it(monkeypatch, settings):
    from celery import current_app

    from core import outbox

    settings.BROKER_BREAKER_SECONDS = 60
    outbox.broker_breaker.reset()
    calls = []

    def hung():
        calls.append(1)
        raise TimeoutError("broker did not answer")

    monkeypatch.setattr(outbox, "_publish_connection", hung)
    current_app.conf.task_always_eager = False
    try:
        first = _message(30)
        second = _message(31)
        assert outbox.outbox_send(message_id=first.pk) is False
        assert outbox.outbox_send(message_id=second.pk) is False
        assert len(calls) == 1  # the second send did not wait on the broker
        second.refresh_from_db()
        assert second.enqueued_at is None  # left for the sweep
        assert "skipped" in second.last_error
    finally:
        current_app.conf.task_always_eager = True
        outbox.broker_breaker.reset()
