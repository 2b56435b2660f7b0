from celery import shared_task

from . import services


@shared_task(name="knowledge_base.tasks.notify_article_changed", ignore_result=True)
def notify_article_changed(article_id: int, revision_id: int) -> int:
    return services.article_change_notify(article_id=article_id, revision_id=revision_id)


@shared_task(name="knowledge_base.tasks.send_review_reminders", ignore_result=True)
def send_review_reminders() -> int:
    return services.review_reminders_send()


@shared_task(name="knowledge_base.tasks.send_handover_reminders", ignore_result=True)
def send_handover_reminders() -> int:
    return services.handover_reminders_send()


@shared_task(name="knowledge_base.tasks.propose_handover", ignore_result=True)
def propose_handover(profile_id: int) -> int | None:
    """Sent through the outbox when HR marks someone as leaving; idempotent."""
    handover = services.handover_propose_for(profile_id=profile_id)
    return handover.pk if handover else None
