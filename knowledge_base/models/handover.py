from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Handover(models.Model):
    """The transfer of what an official owns (systems, articles, courses) before they leave or
    move. Items get a successor and a deadline; each successor accepts; ownership moves."""

    class Reason(models.TextChoices):
        LEAVING = "leaving", _("Leaving the institution")
        MOVING = "moving", _("Moving to another unit or position")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PROPOSED, Status.IN_PROGRESS)

    profile = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("note"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(status__in=["proposed", "in_progress"]),
                name="kb_handover_one_open_per_profile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile} ({self.get_status_display()})"

    def audit_label(self) -> str:
        """The audit log's label for this row: no name stored as text (core.audit)."""
        return f"{capfirst(self._meta.verbose_name)} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class HandoverItem(models.Model):
    class Kind(models.TextChoices):
        SYSTEM_OWNER = "system_owner", _("System (owner)")
        SYSTEM_BACKUP = "system_backup", _("System (backup)")
        ARTICLE_OWNER = "article_owner", _("Article (owner)")
        COURSE_OWNER = "course_owner", _("Course (owner)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a successor")
        ASSIGNED = "assigned", _("Waiting for the successor to accept")
        ACCEPTED = "accepted", _("Accepted")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    successor = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handover_items_received",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["kind", "page__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "kind", "page"], name="kb_handover_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.page_id}"
