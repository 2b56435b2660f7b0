from celery import shared_task
from celery.signals import task_success

from .outbox import outbox_mark_completed
from .outbox import outbox_sweep as run_outbox_sweep


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return run_outbox_sweep()


@task_success.connect
def _complete_outbox_message(sender=None, **kwargs):
    outbox_id = getattr(getattr(sender, "request", None), "outbox_id", None)
    if outbox_id is None and sender is not None:
        outbox_id = (getattr(sender.request, "headers", None) or {}).get("outbox_id")
    if outbox_id:
        outbox_mark_completed(message_id=int(outbox_id))
