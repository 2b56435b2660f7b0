"""Writes of the certificates app: issue, reissue, revoke, re-render, anonymise.

Each service is one transaction. Issuance is idempotent: the enrolment row is locked and a
unique constraint allows one current (not superseded) certificate per enrolment, so a
duplicated event or a retried task returns the certificate already issued.
"""

import hashlib
import secrets
from contextlib import contextmanager

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
from .models import (
    Certificate,
    CertificatePdfHash,
    CertificateRegeneration,
    certificate_pdf_path,
)
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


def _render_sign_store(certificate: Certificate, key: signing.PdfSigningKey) -> bytes:
    """Render and sign the PDF and the Open Badges credential; returns the signed PDF.

    Nothing is written to storage here: the caller writes the bytes as the last step of its
    transaction and deletes them if it does not commit (`_pdf_written_on_commit_only`).
    Called outside row locks: rendering takes CPU-seconds that no other request should wait on.
    """
    pdf = rendering.render_certificate_pdf(certificate)
    signed = signing.sign_pdf(
        pdf,
        key=key,
        reason=f"Certificado {certificate.code}",
        location=credentials.issuer_id(),
    )
    # A fresh name for every rendering: the old file stays valid until the new one is committed.
    certificate.pdf.name = certificate_pdf_path(certificate, "").replace(
        ".pdf", f"-{secrets.token_hex(4)}.pdf"
    )
    certificate.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    certificate.signed_with_dev_key = key.is_dev_key
    certificate.signer_certificate_sha256 = key.certificate_sha256
    certificate.credential, certificate.credential_key = credentials.sign_credential(certificate)
    return signed


@contextmanager
def _pdf_written_on_commit_only(certificate: Certificate):
    """Around the transaction that records a rendering: a PDF written in it is deleted again
    if the transaction does not commit (no orphan file with a learner's name and a code that
    exists nowhere). Yields the `store(signed, replaces=...)` to call as the transaction's last
    write: the bytes were rendered before any lock, so only the file write and the commit are
    left, and a process killed in that window leaves an orphan for `certificate_orphans`."""
    written: list[str] = []
    storage = certificate.pdf.storage

    def store(signed: bytes, *, replaces: str = "") -> None:
        name = certificate.pdf.name
        stored = storage.save(name, ContentFile(signed))
        written.append(stored)
        if stored != name:
            certificate.pdf.name = stored
            Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)
        if replaces and replaces != stored:
            # The replaced file is still the valid one until the new row is committed.
            transaction.on_commit(lambda: storage.delete(replaces))

    try:
        yield store
    except BaseException:
        for name in written:
            storage.delete(name)
        raise


def _repair_missing_pdf(certificate: Certificate) -> None:
    if certificate.anonymised or not certificate.pdf.name:
        return
    if not certificate.pdf.storage.exists(certificate.pdf.name):
        logger.warning("certificate_pdf_missing", certificate_id=certificate.pk)
        certificate_rerender(certificate_id=certificate.pk)


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


def _sign_credential_only(certificate: Certificate, key: signing.PdfSigningKey) -> None:
    """The Open Badges credential without the PDF, which `certificate_pdf_ensure` renders
    at the first download (historical completions recorded in bulk: seconds each saved)."""
    certificate.signed_with_dev_key = key.is_dev_key
    certificate.signer_certificate_sha256 = key.certificate_sha256
    certificate.credential, certificate.credential_key = credentials.sign_credential(certificate)


def certificate_issue(
    *, enrolment_id: int, notify: bool = True, render_pdf: bool = True
) -> Certificate:
    """Issue the certificate of a completed enrolment, or return the one already issued.

    With `render_pdf=False` the PDF is left for the first download (`certificate_pdf_ensure`).
    Renders and signs the PDF and the Open Badges credential before taking any lock, then in
    one short transaction locks the enrolment, records the certificate, e-mails the learner
    after commit and records `relevo.certificate_issued`; the PDF is written as the
    transaction's last step and deleted again if it does not commit.
    Raises signing.SigningKeyUnavailable (nothing written) when no signing key is configured.
    """
    existing = Certificate.objects.current().filter(enrolment_id=enrolment_id).first()
    if existing is not None:
        _repair_missing_pdf(existing)
        return existing
    key = signing.signing_key()
    enrolment = Enrolment.objects.select_related("course", "learner").get(pk=enrolment_id)
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise ValidationError(_("Only a completed course gives a certificate."))
    certificate = Certificate(code=_new_code(), issued_at=timezone.now(), **_snapshot(enrolment))
    if render_pdf:
        signed = _render_sign_store(certificate, key)
    else:
        signed = None
        _sign_credential_only(certificate, key)
    try:
        with _pdf_written_on_commit_only(certificate) as store_pdf, transaction.atomic():
            enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
            existing = Certificate.objects.current().filter(enrolment=enrolment).first()
            if existing is not None:
                return existing  # a concurrent issuance won; our rendering is dropped unwritten
            if enrolment.status != EnrolmentStatus.COMPLETED:
                raise ValidationError(_("Only a completed course gives a certificate."))
            certificate.save()
            if signed is not None:
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
            if signed is not None:
                store_pdf(signed)
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
    current = Certificate.objects.get(pk=certificate.pk)
    enrolment = Enrolment.objects.select_related("course", "learner").get(pk=current.enrolment_id)
    snapshot = _snapshot(enrolment)
    snapshot["completed_on"] = current.completed_on
    snapshot["expires_on"] = expiry_for(enrolment, current.completed_on)
    new = Certificate(code=_new_code(), issued_at=timezone.now(), **snapshot)
    signed = _render_sign_store(new, key)  # before the lock; dropped unwritten on refusal
    with _pdf_written_on_commit_only(new) as store_pdf, transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status == Certificate.Status.SUPERSEDED:
            raise ValidationError(_("This certificate was already replaced."))
        if old.anonymised:
            raise ValidationError(_("The holder of this certificate was anonymised."))
        old.status = Certificate.Status.SUPERSEDED
        old.superseded_at = timezone.now()
        old.reissue_reason = reason
        old.save(update_fields=["status", "superseded_at", "reissue_reason"])
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
        store_pdf(signed)
        return new


def certificate_rerender(*, certificate_id: int) -> bool:
    """Render, sign and store again a current certificate (new template data, new signing
    key), keeping its code and contents. Returns False when there is nothing to render.
    Rendering holds no lock; the old file is deleted once the new one is committed."""
    key = signing.signing_key()
    certificate = Certificate.objects.select_related("learner").get(pk=certificate_id)
    if certificate.anonymised or certificate.status != Certificate.Status.ISSUED:
        # Never re-sign a revoked or superseded certificate (issue 15).
        return False
    replaces = certificate.pdf.name
    signed = _render_sign_store(certificate, key)
    with _pdf_written_on_commit_only(certificate) as store_pdf, transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.anonymised or locked.status != Certificate.Status.ISSUED:
            return False  # anonymised, revoked or replaced while we rendered: nothing written
        Certificate.objects.filter(pk=certificate_id).update(
            pdf=certificate.pdf.name,
            pdf_sha256=certificate.pdf_sha256,
            signed_with_dev_key=certificate.signed_with_dev_key,
            signer_certificate_sha256=certificate.signer_certificate_sha256,
            credential=certificate.credential,
            credential_key=certificate.credential_key,
        )
        CertificatePdfHash.objects.get_or_create(
            sha256=certificate.pdf_sha256, defaults={"certificate": certificate}
        )
        store_pdf(signed, replaces=locked.pdf.name or replaces)
        return True


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The certificate with its PDF: one issued without it (`render_pdf=False`) is rendered
    and signed now. Two first downloads at once both render; the later commit replaces the
    earlier file (both PDFs' hashes are recorded, so either copy still verifies)."""
    if not certificate.pdf_pending:
        return certificate
    certificate_rerender(certificate_id=certificate.pk)
    return Certificate.objects.get(pk=certificate.pk)


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


# Certificates re-rendered per task: each chunk finishes well under its task's time limit
# (about a second per certificate), so a killed worker costs one chunk, resent by the sweep.
REGENERATION_CHUNK = 20


def certificate_regeneration_plan(*, regeneration_id: int) -> int:
    """Split a requested regeneration into chunk tasks (through the outbox); returns how
    many chunks. Only a waiting regeneration is planned, so a repeated task changes nothing."""
    with transaction.atomic():
        regeneration = (
            CertificateRegeneration.objects.select_for_update().filter(pk=regeneration_id).first()
        )
        if regeneration is None or regeneration.status != CertificateRegeneration.Status.PENDING:
            return 0
        ids = list(
            Certificate.objects.filter(course_id=regeneration.course_id, anonymised=False)
            .current()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        regeneration.status = CertificateRegeneration.Status.RUNNING
        regeneration.total = len(ids)
        regeneration.done = regeneration.failed = 0
        if not ids:
            regeneration.status = CertificateRegeneration.Status.DONE
            regeneration.finished_at = timezone.now()
        regeneration.save()
        chunks = [ids[i : i + REGENERATION_CHUNK] for i in range(0, len(ids), REGENERATION_CHUNK)]
        for chunk in chunks:
            outbox_enqueue(
                task_name="certificates.tasks.regenerate_certificate_chunk",
                kwargs={"regeneration_id": regeneration.pk, "certificate_ids": chunk},
                dedupe_key=f"certificate-regeneration:{regeneration.pk}:{chunk[0]}",
            )
        return len(chunks)


def certificate_regeneration_chunk(*, regeneration_id: int, certificate_ids: list[int]) -> None:
    """Re-render one chunk and add it to the regeneration's progress (finishing it with the
    last chunk). A chunk run twice counts at most up to the total."""
    done = failed = 0
    last_error = ""
    for certificate_id in certificate_ids:
        try:
            certificate_rerender(certificate_id=certificate_id)
            done += 1
        except Exception as exc:
            failed += 1
            last_error = str(exc)[:2000]
            logger.exception("certificate_rerender_failed", certificate_id=certificate_id)
    with transaction.atomic():
        regeneration = (
            CertificateRegeneration.objects.select_for_update().filter(pk=regeneration_id).first()
        )
        if regeneration is None:
            return
        regeneration.failed = min(regeneration.total, regeneration.failed + failed)
        regeneration.done = min(regeneration.total - regeneration.failed, regeneration.done + done)
        if last_error:
            regeneration.last_error = last_error
        if regeneration.done + regeneration.failed >= regeneration.total:
            regeneration.status = (
                CertificateRegeneration.Status.FAILED
                if regeneration.failed
                else CertificateRegeneration.Status.DONE
            )
            regeneration.finished_at = timezone.now()
        regeneration.save()


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
