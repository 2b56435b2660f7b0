"""Celery tasks of the HR app: thin, idempotent, taking ids."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .reminders import hr_digest_send, reminders_send
from .services import recertification_run, requirements_assign


@shared_task(name="people.tasks.requirements_assign_task")
def requirements_assign_task(requirement_id: int | None = None, assigned_by_id=None):
    assigned_by = (
        get_user_model().objects.filter(pk=assigned_by_id).first() if assigned_by_id else None
    )
    return requirements_assign(requirement_id=requirement_id, assigned_by=assigned_by)


@shared_task(name="people.tasks.daily_compliance")
def daily_compliance() -> dict:
    """Beat, daily: enrol new people in scope, open renewals, send reminders."""
    return {
        "assigned": requirements_assign(),
        "renewals": recertification_run(),
        "reminders": reminders_send(),
    }


@shared_task(name="people.tasks.weekly_digest")
def weekly_digest() -> int:
    return hr_digest_send()
