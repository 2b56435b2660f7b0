from celery import shared_task
from celery.signals import task_success
from django.core.management import call_command

from .outbox import outbox_mark_completed
from .outbox import outbox_sweep as run_outbox_sweep


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return run_outbox_sweep()


@shared_task(name="core.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled() -> None:
    """Wagtail's go-live and expiry dates (pages and snippets) take effect only when its
    `publish_scheduled` command runs; beat runs it every minute (it is idempotent)."""
    call_command("publish_scheduled", verbosity=0)


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


@task_success.connect
def _complete_outbox_message(sender=None, **kwargs):
    outbox_id = outbox_id_of(getattr(sender, "request", None))
    if outbox_id:
        outbox_mark_completed(message_id=outbox_id)
