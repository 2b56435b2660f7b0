"""Celery tasks of the quality app: thin, idempotent, calling a service."""

from celery import shared_task

from .indicators import indicators_compute
from .services import manager_followups_send


@shared_task(name="quality.tasks.daily_quality")
def daily_quality() -> dict:
    """Beat, daily: this month's indicator values, and the managers' follow-up surveys due."""
    result = indicators_compute()
    result["followups"] = manager_followups_send()
    return result
