"""Writes of the certificates app: issue, reissue, revoke, re-render, anonymise.

Each service is one transaction. Issuance is idempotent: the enrolment row is locked and a
unique constraint allows one current (not superseded) certificate per enrolment, so a
duplicated event or a retried task returns the certificate already issued.
"""

import hashlib

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import audit_log, outbox_enqueue
from courses.api import CoursePage, Enrolment, EnrolmentStatus

from . import credentials, rendering, signing
from .codes import generate_code
from .hooks import expiry_for, learner_display_name, learner_identifier
from .models import Certificate, CertificatePdfHash, CertificateRegeneration
from .notifications import certificate_notify
from .scores import final_score_for_enrolment

logger = structlog.get_logger(__name__)

MAX_REASON_LENGTH = 2000


def can_manage_certificates(user) -> bool:
    """Administrators and human resources open the managing pages (rules.py)."""
    return bool(user and user.has_perm("certificates.manage_certificates"))


def can_manage_certificate(user, certificate: Certificate) -> bool:
    """A manager whose scope holds the certificate's learner revokes and reissues it."""
    return bool(user and user.has_perm("certificates.manage_certificate", certificate))


def can_manage_all_certificates(user) -> bool:
    """Course-wide work (regeneration, failed issuances): managers with no learner scope."""
    return bool(user and user.has_perm("certificates.manage_all_certificates"))


def _new_code() -> str:
    for _attempt in range(10):
        code = generate_code()
        if not Certificate.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw an unused certificate code")  # 31^10 codes: never


def _render_sign_store(certificate: Certificate, key: signing.PdfSigningKey) -> None:
    """Render, sign and attach the PDF and the Open Badges credential (not saved yet)."""
    pdf = rendering.render_certificate_pdf(certificate)
    signed = signing.sign_pdf(
        pdf,
        key=key,
        reason=f"Certificado {certificate.code}",
        location=credentials.issuer_id(),
    )
    old_name = certificate.pdf.name if certificate.pdf else ""
    certificate.pdf.save(f"{certificate.uuid}.pdf", ContentFile(signed), save=False)
    if old_name and old_name != certificate.pdf.name:
        certificate.pdf.storage.delete(old_name)
    certificate.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    certificate.signed_with_dev_key = key.is_dev_key
    certificate.signer_certificate_sha256 = key.certificate_sha256
    certificate.credential, certificate.credential_key = credentials.sign_credential(certificate)


def _snapshot(enrolment: Enrolment) -> dict:
    learner = enrolment.learner
    course = enrolment.course
    completed_at = enrolment.completed_at or timezone.now()
    completed_on = timezone.localdate(completed_at)
    return {
        "enrolment": enrolment,
        "learner": learner,
        "course": course,
        "course_title": course.title,
        "hours": course.estimated_hours,
        "completed_on": completed_on,
        "expires_on": expiry_for(enrolment, completed_on),
        "score": final_score_for_enrolment(enrolment),
        "learner_name": learner_display_name(learner),
        "learner_identifier": learner_identifier(learner),
    }


def certificate_issue(*, enrolment_id: int, notify: bool = True) -> Certificate:
    """Issue the certificate of a completed enrolment, or return the one already issued.

    Renders and signs the PDF, signs the Open Badges credential, stores both, e-mails the
    learner after commit and records `relevo.certificate_issued`. Raises
    signing.SigningKeyUnavailable (nothing written) when no signing key is configured.
    """
    existing = Certificate.objects.current().filter(enrolment_id=enrolment_id).first()
    if existing is not None:
        return existing
    key = signing.signing_key()
    try:
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.select_for_update()
                .select_related("course", "learner")
                .get(pk=enrolment_id)
            )
            existing = Certificate.objects.current().filter(enrolment=enrolment).first()
            if existing is not None:
                return existing
            if enrolment.status != EnrolmentStatus.COMPLETED:
                raise ValidationError(_("Only a completed course gives a certificate."))
            certificate = Certificate(
                code=_new_code(), issued_at=timezone.now(), **_snapshot(enrolment)
            )
            _render_sign_store(certificate, key)
            certificate.save()
            CertificatePdfHash.objects.create(
                certificate=certificate, sha256=certificate.pdf_sha256
            )
            audit_log(
                instance=certificate,
                action="relevo.certificate_issued",
                data={"code": certificate.code, "enrolment": enrolment.pk},
            )
            if notify:
                certificate_notify(certificate=certificate, event="issued")
            return certificate
    except IntegrityError:
        # Another worker issued it between our check and our insert: the constraint won.
        existing = Certificate.objects.current().filter(enrolment_id=enrolment_id).first()
        if existing is None:
            raise
        return existing


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason."), code="reason_required")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("The reason is too long (at most %(max)s characters).") % {"max": MAX_REASON_LENGTH}
        )
    return reason


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by, reason: str, notify: bool = True
) -> Certificate:
    if not can_manage_certificate(by, certificate):
        raise PermissionDenied(_("Only administrators and human resources revoke certificates."))
    reason = _clean_reason(reason)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Certificate.Status.ISSUED:
        raise ValidationError(_("This certificate is not in force; it cannot be revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    # The published status list flips the certificate's bit when this transaction commits.
    credentials.status_list_for_certificate(certificate)
    audit_log(
        instance=certificate,
        action="relevo.certificate_revoked",
        user=by,
        data={"code": certificate.code, "reason": reason},
    )
    if notify:
        certificate_notify(certificate=certificate, event="revoked")
    return certificate


def certificate_reissue(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Replace a certificate (say, after a name correction) by a new one with a new code and
    the learner's current data; the old one stays in history as superseded."""
    if not can_manage_certificate(by, certificate):
        raise PermissionDenied(_("Only administrators and human resources reissue certificates."))
    reason = _clean_reason(reason)
    key = signing.signing_key()
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status == Certificate.Status.SUPERSEDED:
            raise ValidationError(_("This certificate was already replaced."))
        if old.anonymised:
            raise ValidationError(_("The holder of this certificate was anonymised."))
        enrolment = Enrolment.objects.select_related("course", "learner").get(pk=old.enrolment_id)
        old.status = Certificate.Status.SUPERSEDED
        old.superseded_at = timezone.now()
        old.reissue_reason = reason
        old.save(update_fields=["status", "superseded_at", "reissue_reason"])
        snapshot = _snapshot(enrolment)
        snapshot["completed_on"] = old.completed_on
        snapshot["expires_on"] = expiry_for(enrolment, old.completed_on)
        new = Certificate(code=_new_code(), issued_at=timezone.now(), **snapshot)
        _render_sign_store(new, key)
        new.save()
        CertificatePdfHash.objects.create(certificate=new, sha256=new.pdf_sha256)
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        credentials.status_list_for_certificate(old)
        audit_log(
            instance=new,
            action="relevo.certificate_reissued",
            user=by,
            data={"code": new.code, "replaces": old.code, "reason": reason},
        )
        certificate_notify(certificate=new, event="reissued")
        return new


def certificate_rerender(*, certificate_id: int) -> bool:
    """Render, sign and store again a current certificate (new template data, new signing
    key), keeping its code and contents. Returns False when there is nothing to render."""
    key = signing.signing_key()
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().select_related("learner").get(pk=certificate_id)
        )
        if certificate.anonymised or certificate.status != Certificate.Status.ISSUED:
            # Never re-sign a revoked or superseded certificate (issue 15).
            return False
        _render_sign_store(certificate, key)
        certificate.save(
            update_fields=[
                "pdf",
                "pdf_sha256",
                "signed_with_dev_key",
                "signer_certificate_sha256",
                "credential",
                "credential_key",
            ]
        )
        CertificatePdfHash.objects.get_or_create(
            sha256=certificate.pdf_sha256, defaults={"certificate": certificate}
        )
        return True


@transaction.atomic
def certificate_regeneration_start(*, course: CoursePage, by) -> CertificateRegeneration:
    if not can_manage_all_certificates(by):
        raise PermissionDenied(
            _("Only administrators and human resources regenerate certificates.")
        )
    total = Certificate.objects.filter(course=course, anonymised=False).current().count()
    regeneration = CertificateRegeneration.objects.create(
        course=course, requested_by=by, total=total
    )
    outbox_enqueue(
        task_name="certificates.tasks.regenerate_course_certificates",
        kwargs={"regeneration_id": regeneration.pk},
        dedupe_key=f"certificate-regeneration:{regeneration.pk}",
    )
    return regeneration


@transaction.atomic
def certificate_anonymise(*, learner) -> int:
    """For a personal-data request: delete the learner's stored PDFs and personal snapshot,
    keep each PDF's hash (an uploaded copy still matches its record) and mark the records
    anonymised. Returns how many certificates were anonymised."""
    certificates = list(
        Certificate.objects.select_for_update().filter(learner=learner, anonymised=False)
    )
    for certificate in certificates:
        if certificate.pdf:
            name = certificate.pdf.name
            storage = certificate.pdf.storage
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
        certificate.pdf = ""
        certificate.learner_name = ""
        certificate.learner_identifier = ""
        certificate.credential = {}
        certificate.anonymised = True
        certificate.save(
            update_fields=["pdf", "learner_name", "learner_identifier", "credential", "anonymised"]
        )
        audit_log(instance=certificate, action="relevo.certificate_anonymised", data={})
    return len(certificates)
