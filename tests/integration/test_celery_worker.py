import pytest
from django.db import transaction

from core.models import OutboxMessage
from core.outbox import broker_breaker, outbox_enqueue, outbox_sweep
from tests.integration.tasks import write_marker

pytestmark = pytest.mark.integration


def test_committed_outbox_message_is_run_by_the_real_worker(celery_worker, wait_for, tmp_path):
    marker = tmp_path / "ran.txt"
    with transaction.atomic():
        message = outbox_enqueue(
            task_name=write_marker.name, kwargs={"path": str(marker), "text": "hola"}
        )
        assert not marker.exists()
    # Committed: sent to Redis after commit, run by the worker process, marked completed there.
    wait_for(lambda: marker.exists(), what="the task to run")
    assert marker.read_text(encoding="utf-8") == "hola"
    wait_for(
        lambda: OutboxMessage.objects.get(pk=message.pk).completed_at is not None,
        what="the outbox message to be marked completed",
    )
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.last_error == ""


def test_rolled_back_transaction_sends_nothing(celery_worker, tmp_path):
    marker = tmp_path / "never.txt"
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task_name=write_marker.name, kwargs={"path": str(marker), "text": "x"})
        raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists()


def test_message_sent_while_the_broker_was_down_is_run_after_the_sweep(
    celery_worker, wait_for, tmp_path, monkeypatch
):
    marker = tmp_path / "late.txt"
    with monkeypatch.context() as patch:

        def broker_down(*args, **kwargs):
            raise ConnectionRefusedError("broker unreachable")

        patch.setattr(write_marker, "apply_async", broker_down)
        with transaction.atomic():
            message = outbox_enqueue(
                task_name=write_marker.name, kwargs={"path": str(marker), "text": "tarde"}
            )
        message.refresh_from_db()
        assert message.enqueued_at is None
        assert "broker unreachable" in message.last_error

    # The failed send opened the broker breaker: a sweep within its window spares the broker
    # and sends nothing; the next one (beat sweeps every 30 s, the window is a few seconds)
    # sends the message.
    assert broker_breaker.is_open()
    assert outbox_sweep() == 0
    broker_breaker.reset()
    assert outbox_sweep() == 1
    wait_for(lambda: marker.exists(), what="the re-sent task to run")
    wait_for(
        lambda: OutboxMessage.objects.get(pk=message.pk).completed_at is not None,
        what="the outbox message to be marked completed",
    )
