"""Reads shared by pages, other apps and reports."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.api import outbox_pending

from .codes import normalise_code
from .hooks import learner_scope_q
from .models import Certificate, CertificatePdfHash, CertificateRegeneration


def valid_certificates(on: date | None = None) -> QuerySet[Certificate]:
    """Certificates in force on a date (default today): issued, not revoked or replaced, not
    expired."""
    return Certificate.objects.valid_on(on or timezone.localdate())


def certificates_for_learner(user) -> QuerySet[Certificate]:
    """A learner's certificates, current ones first, superseded ones kept as history."""
    return (
        Certificate.objects.filter(learner=user)
        .select_related("superseded_by")
        .order_by("status", "-issued_at")
    )


def certificate_for_code(code: str | None) -> Certificate | None:
    """One query for a well-formed code, none at all for garbled input."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return Certificate.objects.filter(code=normalised).first()


def certificate_for_pdf_hash(sha256: str) -> Certificate | None:
    row = CertificatePdfHash.objects.select_related("certificate").filter(sha256=sha256).first()
    return row.certificate if row else None


def certificates_managed_by(user) -> QuerySet[Certificate]:
    """The certificates whose learner `user` may manage (the scope people registers)."""
    return Certificate.objects.filter(learner_scope_q(user))


def managed_certificate(user, code: str | None) -> Certificate | None:
    """One certificate within the manager's scope, by code; None outside it or when garbled."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return (
        certificates_managed_by(user)
        .select_related("superseded_by", "learner")
        .filter(code=normalised)
        .first()
    )


def certificate_search(user, query: str = "") -> QuerySet[Certificate]:
    """The managing list: certificates within the user's scope, newest first."""
    qs = certificates_managed_by(user).select_related("superseded_by").order_by("-issued_at")
    query = (query or "").strip()
    if query:
        code = normalise_code(query)
        condition = (
            Q(learner_name__icontains=query)
            | Q(learner_identifier__icontains=query)
            | Q(course_title__icontains=query)
            | Q(learner__email__icontains=query)
        )
        if code:
            condition |= Q(code=code)
        qs = qs.filter(condition)
    return qs


def regeneration_progress(regeneration_id: int) -> CertificateRegeneration | None:
    return (
        CertificateRegeneration.objects.select_related("course").filter(pk=regeneration_id).first()
    )


def verification_state(certificate: Certificate | None, on: date | None = None) -> str:
    """One of: valid, expired, revoked, superseded, unknown."""
    if certificate is None:
        return "unknown"
    if certificate.status == Certificate.Status.REVOKED:
        return "revoked"
    if certificate.status == Certificate.Status.SUPERSEDED:
        return "superseded"
    if certificate.is_expired(on or timezone.localdate()):
        return "expired"
    return "valid"


def pending_issuances():
    """Issuance messages not completed yet (the broker was down, or the task failed: the
    error is in last_error), oldest first."""
    return outbox_pending(task_name="certificates.tasks.issue_certificate")
