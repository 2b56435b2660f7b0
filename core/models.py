from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail.search import index

from .four_eyes import FourEyesTaskMixin
from .navigation import dashboard_links


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. People sign in with their e-mail; there are no usernames."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("The language the site, e-mails and reminders use for this person."),
    )
    # Raised to end every session of the person at once (core.accounts.sessions_end_all):
    # it is part of the hash Django checks against each session on every request, so it
    # works whatever the session engine (cached sessions included).
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def _get_session_auth_hash(self, secret=None):
        if not self.session_epoch:
            # Sessions opened before epochs existed stay valid.
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "core.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def audit_label(self) -> str:
        """The audit log's label for this row: no name stored as text (core.audit)."""
        return f"{capfirst(self._meta.verbose_name)} #{self.pk}"


class HomePage(Page):
    """The site's root page: a welcome for visitors and a personal panel for signed-in users."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = RichTextField(
        _("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["dashboard_links"] = dashboard_links(request)
        return context


class OutboxMessage(models.Model):
    """A task recorded in the same transaction as the change that needs it.

    Work that must survive a broker outage (certificate issuance, reminders) is written here
    first; it is enqueued after commit and a periodic sweep re-enqueues whatever was not
    confirmed. Tasks are idempotent, so a message delivered twice changes nothing.
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Set when a worker begins the task: a started message not completed within the task's
    # time limit was lost with its worker; one never started may still wait in the queue.
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["completed_at", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.task_name} {self.kwargs}"


class NotificationLog(models.Model):
    """One notification to one person, written in the transaction of the change that causes it.

    The unique key makes every producer idempotent (a second run of a job writes nothing new);
    `core.notifications` sends the unsent e-mail rows after commit, one by one or grouped in
    a digest, and marks each sent right after its delivery. Subject and body are rendered
    when the row is written, in the recipient's language, so an in-site list can show them.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SITE = "site", _("In the site")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Set only for a notice that must reach an address the person no longer has (their old
    # e-mail, told that it was replaced): otherwise the recipient's current address is used.
    address = models.EmailField(_("address"), blank=True)
    template = models.CharField(max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    attachments = models.JSONField(default=list, blank=True)
    digest = models.BooleanField(
        default=False, help_text="Sent grouped with the recipient's other rows of its kind."
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["sent_at", "channel", "next_attempt_at"], name="notif_unsent"),
            models.Index(fields=["recipient", "kind"], name="notif_recipient_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.key})"


class ReviewerApprovalTask(FourEyesTaskMixin, AbstractGroupApprovalTask):
    """Wagtail's group approval, except that nobody approves their own submission (or a
    revision they wrote): another member of the chosen groups does. Every plain group approval
    task was converted to this one (migration 0004)."""

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups can approve this task, except the person who "
            "submitted or wrote the revision"
        )

    class Meta:
        verbose_name = _("reviewer approval (four eyes)")
        verbose_name_plural = _("reviewer approvals (four eyes)")
