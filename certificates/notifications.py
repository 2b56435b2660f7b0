"""E-mails to the learner, in the learner's own language, with the PDF attached."""

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from .models import Certificate

logger = structlog.get_logger(__name__)

EVENTS = {"issued", "reissued", "revoked"}


def send_certificate_email(*, certificate_id: int, event: str) -> bool:
    if event not in EVENTS:
        raise ValueError(event)
    certificate = Certificate.objects.select_related("learner").filter(pk=certificate_id).first()
    if certificate is None or not certificate.learner.email:
        return False
    language = (certificate.learner.language or settings.LANGUAGE_CODE)[:2]
    with translation.override(language if language in {"es", "en"} else "es"):
        context = {
            "certificate": certificate,
            "name": certificate.learner.get_full_name() or certificate.learner.email,
            "verification_url": certificate.verification_url(),
            "my_certificates_url": f"{settings.SITE_URL}/mis-certificados/",
            "completed_on": date_format(certificate.completed_on, "DATE_FORMAT"),
            "event": event,
        }
        subject = render_to_string("certificates/email/subject.txt", context).strip()
        body = render_to_string("certificates/email/body.txt", context)
    message = EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        to=[certificate.learner.email],
    )
    if event != "revoked" and certificate.pdf:
        with certificate.pdf.open("rb") as handle:
            message.attach(f"certificado-{certificate.code}.pdf", handle.read(), "application/pdf")
    message.send()
    logger.info("certificate_email_sent", certificate=certificate.code, kind=event)
    return True
