from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.attempts_expire_overdue")
def attempts_expire_overdue() -> int:
    """Submit attempts whose time is over (beat, every minute). Idempotent."""
    return services.attempts_expire_overdue()


@shared_task(
    name="assessments.tasks.questions_index",
    acks_late=True,
    ignore_result=True,
    # One import chunk (500 questions): about 2.5 s on PostgreSQL, well under its limit.
    time_limit=120,
    soft_time_limit=100,
)
def questions_index(question_ids: list[int]) -> int:
    """Index one chunk of imported questions (idempotent: indexing twice is harmless)."""
    return services.questions_index(question_ids=question_ids)
