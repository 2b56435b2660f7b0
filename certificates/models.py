import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class PrivateFileSystemStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT, never served by the web server: views stream them after a
    permission check. The location follows settings.PRIVATE_MEDIA_ROOT at every use."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    # With object storage configured, the default storage is a private bucket already.
    if "S3" in settings.STORAGES["default"]["BACKEND"]:
        return storages["default"]
    return PrivateFileSystemStorage()


def certificate_pdf_path(instance, filename: str) -> str:
    return f"certificates/{instance.issued_at:%Y/%m}/{instance.uuid}.pdf"


class CertificateQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(status=Certificate.Status.SUPERSEDED)

    def valid_on(self, on):
        return self.filter(status=Certificate.Status.ISSUED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )


class Certificate(models.Model):
    """A certificate of completion of one enrolment cycle. What it said when issued is kept as
    a snapshot (name, identification, course title, hours) so that later edits never change a
    certificate already handed out; a correction is a reissue."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=12, unique=True)
    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.PROTECT, related_name="certificates"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ISSUED
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    reissue_reason = models.TextField(_("reason for reissue"), blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    learner_name = models.CharField(_("learner name"), max_length=255)
    learner_identifier = models.CharField(_("identification"), max_length=255)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=certificate_pdf_path, blank=True
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_with_dev_key = models.BooleanField(default=False)
    signer_certificate_sha256 = models.CharField(max_length=64, blank=True)
    credential = models.JSONField(default=dict, blank=True)
    credential_key = models.ForeignKey(
        "certificates.CredentialSigningKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    anonymised = models.BooleanField(default=False)
    # Global index of the certificate's bit in the revocation status lists (status_list.py);
    # drawn once, never reused. Empty for certificates not rendered since status lists.
    status_list_index = models.PositiveIntegerField(null=True, blank=True, unique=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~Q(status="superseded"),
                name="certificate_one_current_per_enrolment",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "status"]),
            models.Index(fields=["course", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.learner_name} · {self.course_title}"

    @property
    def pdf_pending(self) -> bool:
        """Issued without its PDF yet (`certificate_issue(render_pdf=False)`): rendered at
        the first download."""
        return not self.pdf and self.status == self.Status.ISSUED and not self.anonymised

    @property
    def pdf_available(self) -> bool:
        return bool(self.pdf) or self.pdf_pending

    def is_expired(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.expires_on is not None and self.expires_on < on

    @property
    def shown_name(self) -> str:
        return str(_("anonymised holder")) if self.anonymised else self.learner_name

    def verification_path(self) -> str:
        return f"/verificar/{self.code}/"

    def verification_url(self) -> str:
        return settings.SITE_URL + self.verification_path()


class CertificatePdfHash(models.Model):
    """Every PDF ever handed out for a certificate (first issue and each regeneration), so an
    uploaded copy is recognised even after the stored file was re-rendered or deleted."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="hashes")
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.sha256


class CredentialSigningKey(models.Model):
    """An Ed25519 key signing Open Badges credentials. Keys are rotated, never deleted: every
    public key ever used stays published so old credentials keep verifying."""

    key_id = models.SlugField(max_length=40, unique=True)
    public_key_pem = models.TextField()
    # Encrypted with a key derived from SECRET_KEY (certificates.credentials); never shown.
    private_key_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("credential signing key")
        verbose_name_plural = _("credential signing keys")

    def __str__(self) -> str:
        return self.key_id


class CredentialStatusList(models.Model):
    """One published Bitstring Status List credential, signed, as served at its URL. Re-signed
    in the transaction of each revocation or reissue, and when its validity runs out."""

    number = models.PositiveIntegerField(unique=True)
    credential = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credential status list")
        verbose_name_plural = _("credential status lists")

    def __str__(self) -> str:
        return f"status list {self.number}"


class CertificateRegeneration(models.Model):
    """A bulk re-rendering of a course's certificates, with its progress for the page that
    follows it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * (self.done + self.failed) / self.total)


_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as #RRGGBB."))


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """What the certificate says about the institution, edited in Settings > Certificates."""

    institution_name = models.CharField(
        _("institution name"),
        max_length=255,
        blank=True,
        help_text=_("Empty: the institution name from the server configuration."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=255, blank=True)
    signer_title_es = models.CharField(_("signer's title (Spanish)"), max_length=255, blank=True)
    signer_title_en = models.CharField(_("signer's title (English)"), max_length=255, blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f4e79", validators=[_colour]
    )
    heading_es = models.CharField(
        _("heading (Spanish)"), max_length=120, default="Certificado de aprobación"
    )
    heading_en = models.CharField(
        _("heading (English)"), max_length=120, default="Certificate of completion"
    )
    wording_es = models.TextField(
        _("wording (Spanish)"),
        default="Por haber completado satisfactoriamente el curso",
    )
    wording_en = models.TextField(
        _("wording (English)"), default="For having successfully completed the course"
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("institution_name"), FieldPanel("logo"), FieldPanel("primary_colour")],
            heading=_("Institution"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signer_name"),
                FieldPanel("signer_title_es"),
                FieldPanel("signer_title_en"),
            ],
            heading=_("Signer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("heading_es"),
                FieldPanel("wording_es"),
                FieldPanel("heading_en"),
                FieldPanel("wording_en"),
            ],
            heading=_("Wording"),
        ),
    ]

    class Meta:
        verbose_name = _("certificates")

    def localised(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or "es")[:2]
        value = getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_es", "")
        return value

    @property
    def institution(self) -> str:
        return self.institution_name or settings.RELEVO_INSTITUTION_NAME
