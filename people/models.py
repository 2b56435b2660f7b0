from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
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
    # When the person joined their current unit or position: requirements picked up by a move
    # are due that many days after it, not after the hire.
    placed_on = models.DateField(_("in current unit since"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["position"])]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.employee_id})"

    def audit_label(self) -> str:
        """The audit log's label for this row: no name stored as text (core.audit)."""
        return f"{capfirst(self._meta.verbose_name)} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class HRScope(models.Model):
    """Limits an HR officer to a unit and its sub-units. An officer without any scope sees
    the whole institution; with scopes, only the union of their subtrees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HR officer"),
        on_delete=models.CASCADE,
        related_name="hr_scopes",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="hr_scopes"
    )

    class Meta:
        verbose_name = _("HR scope")
        verbose_name_plural = _("HR scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="hrscope_unique_user_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"

    def audit_label(self) -> str:
        """The audit log's label for this row: no name stored as text (core.audit)."""
        return f"{capfirst(self._meta.verbose_name)} #{self.pk}"


class Requirement(models.Model):
    """A course that everyone in scope must hold, renewed every `validity_months`."""

    class Scope(models.TextChoices):
        UNIT = "unit", _("A unit and its sub-units")
        POSITION = "position", _("A position")
        EVERYONE = "everyone", _("Everyone")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="hr_requirements",
    )
    scope = models.CharField(_("who"), max_length=10, choices=Scope.choices, default=Scope.UNIT)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    # Upper bounds: SQLite stores any integer, and a date that far ahead overflows (a due
    # within 3,000,000 days turned the whole HR dashboard into a 500).
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Overrides the course's certificate validity. Empty: the course's own."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due within (days)"),
        default=30,
        validators=[MaxValueValidator(3650)],
        help_text=_("Days after the assignment, the hire or the move into the unit."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required trainings")
        ordering = ["course__title", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.UNIT and self.unit_id:
            return str(self.unit)
        if self.scope == self.Scope.POSITION:
            return self.position
        return str(_("Everyone"))


class CoverageRule(models.Model):
    """ "Unit X must always have at least N active people holding a valid Y"."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="coverage_rules"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="coverage_rules",
    )
    minimum = models.PositiveSmallIntegerField(_("minimum people"), default=2)
    include_subunits = models.BooleanField(_("count sub-units"), default=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coverage rule")
        verbose_name_plural = _("coverage rules")
        ordering = ["unit__path", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} ≥ {self.minimum} · {self.course.title}"


class StaffImport(models.Model):
    """An uploaded HR export between preview and confirmation (kept server-side)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    mark_missing_left = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    preview = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def __str__(self) -> str:
        return self.filename
