"""Celery tasks: thin, idempotent, taking ids. Sent through core.outbox."""

import structlog
from celery import shared_task
from django.db import OperationalError

from core.api import outbox_id_of, outbox_record_failure

from . import services
from .signing import SigningKeyUnavailable

logger = structlog.get_logger(__name__)


def _record_failure(task, exc: Exception) -> None:
    # Every attempt's error, retries included (task_failure fires only on the last one).
    message_id = outbox_id_of(task.request)
    if message_id:
        outbox_record_failure(message_id=message_id, error=exc)


@shared_task(
    bind=True,
    name="certificates.tasks.issue_certificate",
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    # Retries stay within the outbox sweep's horizon (it re-sends after the time limit).
    retry_backoff_max=30,
    max_retries=8,
    ignore_result=True,
    # Rendering and signing take about a second: a worker killed under it is noticed by the
    # outbox sweep after this limit (+ one sweep period), so the certificate comes within a
    # minute instead of after the broker's visibility timeout.
    time_limit=30,
    soft_time_limit=25,
)
def issue_certificate(self, enrolment_id: int) -> int:
    try:
        return services.certificate_issue(enrolment_id=enrolment_id).pk
    except SigningKeyUnavailable as exc:
        # A configuration problem: no retry storm; the message stays uncompleted, the error
        # is shown in the admin (Reports > Certificate issuance) and the sweep tries again.
        logger.error("certificate_issue_refused", enrolment_id=enrolment_id, error=str(exc))
        _record_failure(self, exc)
        raise
    except Exception as exc:
        _record_failure(self, exc)
        raise


@shared_task(
    name="certificates.tasks.regenerate_course_certificates",
    acks_late=True,
    ignore_result=True,
    time_limit=60,
    soft_time_limit=50,
)
def regenerate_course_certificates(regeneration_id: int) -> None:
    """Plans the regeneration: one chunk task per REGENERATION_CHUNK certificates."""
    services.certificate_regeneration_plan(regeneration_id=regeneration_id)


@shared_task(
    name="certificates.tasks.regenerate_certificate_chunk",
    acks_late=True,
    ignore_result=True,
    # About a second per certificate: a chunk of 20 finishes well under its limit.
    time_limit=120,
    soft_time_limit=100,
)
def regenerate_certificate_chunk(regeneration_id: int, certificate_ids: list[int]) -> None:
    services.certificate_regeneration_chunk(
        regeneration_id=regeneration_id, certificate_ids=certificate_ids
    )
