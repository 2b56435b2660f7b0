"""Transactional outbox: record a task with the change that needs it, send it after commit.

`outbox_enqueue` writes an OutboxMessage in the caller's transaction. After commit it is sent
to Celery; if the broker is down the message stays unsent and `outbox_sweep` (beat, every
minute) sends it later. Tasks sent through here must be idempotent: they may run twice.

A message is completed when its task succeeds, and keeps the error when it fails: both are
Celery signal receivers that `CoreConfig.ready()` connects (`outbox_receivers_connect`), so
they are live in every process that runs tasks, the web process in eager mode included.
"""

from datetime import timedelta

import structlog
from celery import current_app
from celery.signals import task_failure, task_success
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


def outbox_id_of(request) -> int | None:
    """The outbox message a running task was sent for, if any.

    `outbox_send` passes `headers={"outbox_id": ...}`. A worker copies custom message headers
    onto the request (`request.outbox_id`); eager mode (`Task.apply`) keeps them in
    `request.headers` only. Both are read so completion is recorded in either mode.
    """
    if request is None:
        return None
    value = getattr(request, "outbox_id", None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get("outbox_id")
    return int(value) if value is not None else None


def outbox_record_failure(*, message_id: int, error: BaseException | str) -> None:
    OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(
        last_error=str(error)[:2000]
    )


def _complete_on_success(sender=None, **kwargs) -> None:
    message_id = outbox_id_of(getattr(sender, "request", None))
    if message_id:
        outbox_mark_completed(message_id=message_id)


def _record_on_failure(sender=None, exception=None, **kwargs) -> None:
    message_id = outbox_id_of(getattr(sender, "request", None))
    if message_id:
        outbox_record_failure(message_id=message_id, error=exception or "task failed")


def outbox_receivers_connect() -> None:
    """Connect the receivers that complete (or annotate) outbox messages; idempotent."""
    task_success.connect(_complete_on_success, weak=False, dispatch_uid="core.outbox.success")
    task_failure.connect(_record_on_failure, weak=False, dispatch_uid="core.outbox.failure")
