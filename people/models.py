from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrgUnit(MP_Node):
    """A unit of the institution: ministry, subsecretaría, dirección, unidad."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("Institution")
        UNDERSECRETARIAT = "undersecretariat", _("Undersecretariat")
        DIRECTORATE = "directorate", _("Directorate")
        UNIT = "unit", _("Unit")

    name = models.CharField(_("name"), max_length=255)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIT)
    head = models.ForeignKey(
        "StaffProfile",
        verbose_name=_("head of unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A member of staff, linked to their account."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEAVING = "leaving", _("Leaving")
        LEFT = "left", _("Left")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_profile"
    )
    employee_id = models.CharField(_("employee id (cédula)"), max_length=20, unique=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["position"])]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.employee_id})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
