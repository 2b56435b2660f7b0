"""E-mails to the learner, in the learner's own language, with the PDF attached (or a link to
it while a download step is pending): recorded through core.notifications in the transaction
that issues, reissues or revokes."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from core.api import notification_channel, notification_send, recipient_language

from . import hooks
from .models import Certificate

EVENTS = {"issued", "reissued", "revoked"}
PDF_ATTACHMENT = "certificate_pdf"


def certificate_pdf_attachment(*, certificate_id: int) -> tuple[str, bytes, str] | None:
    """The PDF at send time; None once it is gone (the holder was anonymised)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or not certificate.pdf:
        return None
    with certificate.pdf.open("rb") as handle:
        return f"certificado-{certificate.code}.pdf", handle.read(), "application/pdf"


def certificate_notify(*, certificate: Certificate, event: str) -> bool:
    """Record the learner's e-mail about this certificate (once per certificate and event)."""
    if event not in EVENTS:
        raise ValueError(event)
    learner = certificate.learner
    if not learner.email:
        return False
    kind = f"certificates.{event}"
    with translation.override(recipient_language(learner)):
        completed_on = date_format(certificate.completed_on, "DATE_FORMAT")
    # A step before the download (the course's survey) is not bypassed by the e-mail: while it
    # is pending the e-mail links to the download, which offers the step first.
    attach = event != "revoked" and not hooks.download_step_pending(certificate)
    row = notification_send(
        kind=kind,
        key=f"{kind}:{certificate.pk}",
        recipient=learner,
        template="certificates/email/certificate",
        context={
            "certificate": certificate,
            "name": learner.get_full_name() or learner.email,
            "verification_url": certificate.verification_url(),
            "my_certificates_url": f"{settings.SITE_URL}/mis-certificados/",
            "completed_on": completed_on,
            "event": event,
            "attached": attach,
            "download_url": settings.SITE_URL
            + reverse("certificates:my_pdf", args=[certificate.code]),
            "subject_prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        },
        channel=notification_channel(recipient=learner, kind=kind),
        attachments=[{"provider": PDF_ATTACHMENT, "certificate_id": certificate.pk}]
        if attach
        else [],
    )
    return row is not None
