"""Celery tasks of core: thin, taking ids (the outbox sweep, the notification sender and
Wagtail's scheduled publishing)."""

from celery import shared_task
from django.core.management import call_command

from . import health, notifications
from .outbox import outbox_sweep as run_outbox_sweep


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    # Beat sends this every OUTBOX_SWEEP_SECONDS: its last run is beat's heartbeat (/healthz).
    health.beat_ran()
    return run_outbox_sweep()


@shared_task(name="core.tasks.notification_deliver", ignore_result=True)
def notification_deliver(notification_id: int) -> bool:
    """Enqueued after the commit that recorded the row; a failure is retried by the beat job."""
    return notifications.notification_deliver(notification_id=notification_id)


@shared_task(name="core.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled() -> None:
    """Wagtail's go-live and expiry dates (pages and snippets) take effect only when its
    `publish_scheduled` command runs; beat runs it every minute (it is idempotent)."""
    call_command("publish_scheduled", verbosity=0)


@shared_task(name="core.tasks.notifications_send_due", ignore_result=True)
def notifications_send_due() -> int:
    """Beat, every minute: rows never enqueued (broker down) or past their retry backoff."""
    return notifications.notifications_send_due()


@shared_task(name="core.tasks.notifications_digest", ignore_result=True)
def notifications_digest() -> int:
    """After each producing job, and by beat: one e-mail per recipient and kind."""
    return notifications.notifications_digest_send()
