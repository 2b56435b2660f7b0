"""Celery tasks of core: thin, taking ids (the outbox sweep and the notification sender)."""

from celery import shared_task

from . import notifications
from .outbox import outbox_sweep as run_outbox_sweep


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return run_outbox_sweep()


@shared_task(name="core.tasks.notification_deliver", ignore_result=True)
def notification_deliver(notification_id: int) -> bool:
    """Enqueued after the commit that recorded the row; a failure is retried by the beat job."""
    return notifications.notification_deliver(notification_id=notification_id)


@shared_task(name="core.tasks.notifications_send_due", ignore_result=True)
def notifications_send_due() -> int:
    """Beat, every minute: rows never enqueued (broker down) or past their retry backoff."""
    return notifications.notifications_send_due()


@shared_task(name="core.tasks.notifications_digest", ignore_result=True)
def notifications_digest() -> int:
    """After each producing job, and by beat: one e-mail per recipient and kind."""
    return notifications.notifications_digest_send()
