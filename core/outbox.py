"""Transactional outbox: record a task with the change that needs it, send it after commit.

`outbox_enqueue` writes an OutboxMessage in the caller's transaction. After commit it is sent
to Celery; if the broker is down the message stays unsent and `outbox_sweep` (beat, every
minute) sends it later. Tasks sent through here must be idempotent: they may run twice.
"""

from datetime import timedelta

import structlog
from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = structlog.get_logger(__name__)

RESEND_AFTER = timedelta(minutes=10)


def outbox_enqueue(*, task_name: str, kwargs: dict, dedupe_key: str | None = None) -> OutboxMessage:
    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key, defaults={"task_name": task_name, "kwargs": kwargs}
        )
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def outbox_send(*, message_id: int) -> bool:
    message = OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).first()
    if message is None:
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=message.attempts + 1, enqueued_at=timezone.now()
    )
    try:
        task = current_app.tasks[message.task_name]
        task.apply_async(kwargs=message.kwargs, headers={"outbox_id": message.pk})
    except Exception as exc:  # broker down, unknown task: the sweep tries again
        logger.warning("outbox_send_failed", message_id=message.pk, error=str(exc))
        OutboxMessage.objects.filter(pk=message.pk).update(
            enqueued_at=None, last_error=str(exc)[:2000]
        )
        return False
    return True


def outbox_mark_completed(*, message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), last_error=""
    )


def outbox_sweep() -> int:
    """Send every message never sent, or sent long ago and never completed. Returns the count."""
    cutoff = timezone.now() - RESEND_AFTER
    pending = OutboxMessage.objects.filter(completed_at__isnull=True).filter(
        enqueued_at__isnull=True
    ) | OutboxMessage.objects.filter(completed_at__isnull=True, enqueued_at__lt=cutoff)
    sent = 0
    for message_id in pending.order_by("pk").values_list("pk", flat=True)[:1000]:
        sent += outbox_send(message_id=message_id)
    return sent
