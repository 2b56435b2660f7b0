"""Transactional outbox: record a task with the change that needs it, send it after commit.

`outbox_enqueue` writes an OutboxMessage in the caller's transaction. After commit it is handed
to the broker with tight timeouts (`BROKER_PUBLISH_TIMEOUT_SECONDS`, about a second) through
`broker_publish`; if the broker is down or hung the message stays unsent and the request goes
on. A circuit breaker (`broker_breaker`) skips the broker for a few seconds after a failure, so
a hung broker costs one short timeout, not one per message. `outbox_sweep` (beat, every
`OUTBOX_SWEEP_SECONDS`, 30 s) re-sends what needs it:

- messages never handed over (`enqueued_at` empty);
- messages whose task started and did not complete within the task's time limit (the worker
  died under it: acks-late redelivery would wait for the broker's visibility timeout);
- messages handed over, never started, older than their task's time limit, while the broker's
  queue is empty (the broker lost them). An exam-day backlog still waiting in the queue is
  never re-sent.

Tasks sent through here must be idempotent: they may run twice.

A message is started when its task begins (`task_prerun`), completed when it succeeds, and
keeps the error when it fails: Celery signal receivers that `CoreConfig.ready()` connects
(`outbox_receivers_connect`), live in every process that runs tasks (eager mode included).
"""

import contextlib
import threading
from datetime import timedelta

import structlog
from celery import current_app
from celery.signals import task_failure, task_prerun, task_success
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from .cache import CircuitBreaker
from .models import OutboxMessage

logger = structlog.get_logger(__name__)

# Brokers that cannot tell whether a message still waits (not Redis): re-send after this.
RESEND_AFTER = timedelta(minutes=10)
# Margin over a task's time limit before a started, uncompleted message counts as lost.
STARTED_GRACE = timedelta(seconds=5)
SWEEP_BATCH = 1000

broker_breaker = CircuitBreaker("broker", "BROKER_BREAKER_SECONDS")
_local = threading.local()


class BrokerUnavailable(ConnectionError):
    """The broker failed within the breaker's window: not tried."""


def _publish_connection():
    """This thread's broker connection with tight timeouts and no retries (publishing only:
    the worker keeps the ordinary settings for its long-polling reads)."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        timeout = settings.BROKER_PUBLISH_TIMEOUT_SECONDS
        connection = current_app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
                "max_retries": 0,
            },
        )
        _local.connection = connection
    return connection


def _forget_connection() -> None:
    connection = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        with contextlib.suppress(Exception):  # already broken; nothing to close cleanly
            connection.release()


def _task_queue(task_name: str):
    """The queue a task is routed to (CELERY_TASK_ROUTES: certificates have their own)."""
    queue = current_app.amqp.router.route({}, task_name).get("queue")
    return queue or current_app.amqp.queues[current_app.conf.task_default_queue]


def _queue_names() -> set[str]:
    names = {current_app.conf.task_default_queue}
    for task_name in list(current_app.tasks):
        if not task_name.startswith("celery."):
            names.add(_task_queue(task_name).name)
    return names


def broker_publish(task_name: str, *, kwargs: dict, headers: dict | None = None) -> None:
    """Send a task now, or raise quickly (BrokerUnavailable while the breaker is open)."""
    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs, headers=headers or {})
        return
    if broker_breaker.is_open():
        raise BrokerUnavailable("broker skipped after a recent failure")
    try:
        connection = _publish_connection()
        # Declared at every send: a broker that lost its data lost the queue's binding too,
        # and a message published without it is dropped.
        _task_queue(task_name)(connection.default_channel).declare()
        task.apply_async(kwargs=kwargs, headers=headers or {}, connection=connection, retry=False)
    except Exception as exc:
        _forget_connection()
        broker_breaker.trip(exc)
        raise
    broker_breaker.succeed()


def outbox_enqueue(*, task_name: str, kwargs: dict, dedupe_key: str | None = None) -> OutboxMessage:
    if dedupe_key:
        message = _insert_unless_present(task_name=task_name, kwargs=kwargs, dedupe_key=dedupe_key)
        if message is None:
            return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    else:
        message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    # robust: a failure here (database gone after commit) must not fail the committed request.
    transaction.on_commit(lambda: outbox_send(message_id=message.pk), robust=True)
    return message


def _insert_unless_present(
    *, task_name: str, kwargs: dict, dedupe_key: str
) -> OutboxMessage | None:
    """One statement, `INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id` (PostgreSQL,
    SQLite 3.35+): the new message, or None when one with that key exists. get_or_create would
    take four (a SELECT, then the INSERT in a savepoint) inside the caller's transaction, which
    on exam day is a submit holding its attempt and enrolment locks."""
    values = {
        "task_name": task_name,
        "kwargs": kwargs,
        "dedupe_key": dedupe_key,
        "created_at": timezone.now(),
        "attempts": 0,
        "last_error": "",
    }
    meta = OutboxMessage._meta
    fields = [meta.get_field(name) for name in values]
    connection = connections[router.db_for_write(OutboxMessage)]
    quote = connection.ops.quote_name
    # Identifiers from the model's metadata, quoted; every value is a parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    key, pk = quote(meta.get_field("dedupe_key").column), quote(meta.pk.column)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
    sql += f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}"
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    message = OutboxMessage(pk=row[0], **values)
    message._state.adding = False
    message._state.db = connection.alias
    return message


def outbox_send(*, message_id: int) -> bool:
    message = OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).first()
    if message is None:
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=message.attempts + 1, enqueued_at=timezone.now(), started_at=None
    )
    try:
        broker_publish(message.task_name, kwargs=message.kwargs, headers={"outbox_id": message.pk})
    except Exception as exc:  # broker down or hung, unknown task: the sweep tries again
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


def task_time_limit(task_name: str) -> timedelta:
    """The hard time limit a task runs under (its own, or CELERY_TASK_TIME_LIMIT)."""
    task = current_app.tasks.get(task_name)
    seconds = getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT
    return timedelta(seconds=seconds)


def broker_queue_length() -> int | None:
    """Messages waiting in the default queue and the routed ones (certificates); 0 in eager
    mode; None when it cannot be told."""
    if current_app.conf.task_always_eager:
        return 0
    url = str(current_app.conf.broker_url or "")
    if not url.startswith(("redis://", "rediss://")):
        return None
    connection = _publish_connection()
    client = connection.default_channel.client
    return sum(int(client.llen(name)) for name in sorted(_queue_names()))


def _due(now) -> list[int]:
    open_messages = OutboxMessage.objects.filter(completed_at__isnull=True)
    never_sent = list(
        open_messages.filter(enqueued_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    try:
        waiting = broker_queue_length()
    except Exception as exc:
        logger.warning("outbox_queue_length_unknown", error=str(exc))
        waiting = None
    overdue = []
    for task_name in (
        open_messages.filter(enqueued_at__isnull=False)
        .values_list("task_name", flat=True)
        .distinct()
    ):
        limit = task_time_limit(task_name)
        lost_in_worker = Q(started_at__lt=now - limit - STARTED_GRACE)
        if waiting == 0:
            lost_in_broker = Q(started_at__isnull=True, enqueued_at__lt=now - limit)
        else:
            lost_in_broker = Q(
                started_at__isnull=True, enqueued_at__lt=now - max(limit, RESEND_AFTER)
            )
        overdue += list(
            open_messages.filter(task_name=task_name, enqueued_at__isnull=False)
            .filter(lost_in_worker | lost_in_broker)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
    return sorted(never_sent + overdue)[:SWEEP_BATCH]


def outbox_sweep() -> int:
    """Send what was never handed over or was lost on the way (see the module). Returns the count."""
    sent = 0
    for message_id in _due(timezone.now()):
        sent += outbox_send(message_id=message_id)
    return sent


def outbox_oldest_pending_age() -> timedelta | None:
    """How long the oldest uncompleted message has waited (for /healthz)."""
    oldest = (
        OutboxMessage.objects.filter(completed_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else timezone.now() - oldest


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


def _mark_started(sender=None, task=None, **kwargs) -> None:
    message_id = outbox_id_of(getattr(task or sender, "request", None))
    if message_id:
        OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(
            started_at=timezone.now()
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
    task_prerun.connect(_mark_started, weak=False, dispatch_uid="core.outbox.started")
    task_success.connect(_complete_on_success, weak=False, dispatch_uid="core.outbox.success")
    task_failure.connect(_record_on_failure, weak=False, dispatch_uid="core.outbox.failure")
