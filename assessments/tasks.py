from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.attempts_expire_overdue")
def attempts_expire_overdue() -> int:
    """Submit attempts whose time is over (beat, every minute). Idempotent."""
    return services.attempts_expire_overdue()
