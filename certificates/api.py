"""Certificates' public API: the only certificates module (with `certificates.hooks`) other
apps import.

Read model: `Certificate` may be queried (read only) by the apps above and compared with
`CertificateStatus`; issuing and anonymising go through the functions here.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from . import selectors, services, signing
from .models import Certificate

__all__ = [
    "Certificate",
    "CertificateStatus",
    "certificate_anonymise",
    "certificate_issue",
    "certificates_for_learner",
    "pdf_sign",
    "valid_certificates",
]

CertificateStatus = Certificate.Status


def valid_certificates(*, on: date | None = None) -> QuerySet[Certificate]:
    """Certificates in force on a date (default today): issued, not revoked or replaced."""
    return selectors.valid_certificates(on)


def certificates_for_learner(*, user) -> QuerySet[Certificate]:
    """A learner's certificates, current ones first, superseded ones kept as history."""
    return selectors.certificates_for_learner(user)


def certificate_issue(
    *, enrolment_id: int, notify: bool = True, render_pdf: bool = True
) -> Certificate:
    """Issue the certificate of a completed enrolment, or return the one already issued.
    `render_pdf=False` (completions recorded in bulk) leaves the PDF for the first download."""
    return services.certificate_issue(
        enrolment_id=enrolment_id, notify=notify, render_pdf=render_pdf
    )


def certificate_anonymise(*, learner) -> int:
    """Delete a learner's stored PDFs and personal snapshot, keeping each PDF's hash."""
    return services.certificate_anonymise(learner=learner)


def pdf_sign(*, pdf: bytes, reason: str, location: str = "") -> bytes:
    """Sign a PDF (PAdES) with the institution's certificate-signing key, as certificates are;
    SigningKeyUnavailable (ImproperlyConfigured) when no key is configured."""
    return signing.sign_pdf(pdf, key=signing.signing_key(), reason=reason, location=location)
