"""Celery tasks of core: thin, taking ids (the outbox sweep and the notification sender)."""

from celery import shared_task

from .outbox import outbox_sweep as run_outbox_sweep


@shared_task(name="core.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return run_outbox_sweep()
