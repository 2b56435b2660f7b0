"""Celery tasks: thin, idempotent, taking ids. Sent through core.outbox."""

import structlog
from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.api import outbox_id_of, outbox_record_failure

from . import services
from .models import Certificate, CertificateRegeneration
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
    retry_backoff_max=600,
    max_retries=8,
    ignore_result=True,
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
    bind=True,
    name="certificates.tasks.regenerate_course_certificates",
    acks_late=True,
    ignore_result=True,
)
def regenerate_course_certificates(self, regeneration_id: int) -> None:
    regeneration = CertificateRegeneration.objects.filter(pk=regeneration_id).first()
    if regeneration is None or regeneration.status == CertificateRegeneration.Status.DONE:
        return
    CertificateRegeneration.objects.filter(pk=regeneration.pk).update(
        status=CertificateRegeneration.Status.RUNNING, done=0, failed=0
    )
    ids = list(
        Certificate.objects.filter(course_id=regeneration.course_id, anonymised=False)
        .current()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = failed = 0
    last_error = ""
    for certificate_id in ids:
        try:
            services.certificate_rerender(certificate_id=certificate_id)
            done += 1
        except Exception as exc:
            failed += 1
            last_error = str(exc)[:2000]
            logger.exception("certificate_rerender_failed", certificate_id=certificate_id)
        CertificateRegeneration.objects.filter(pk=regeneration.pk).update(
            done=done, failed=failed, total=len(ids)
        )
    CertificateRegeneration.objects.filter(pk=regeneration.pk).update(
        status=CertificateRegeneration.Status.FAILED
        if failed
        else CertificateRegeneration.Status.DONE,
        finished_at=timezone.now(),
        last_error=last_error,
    )
