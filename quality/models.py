"""Training quality: surveys (authored in Wagtail, answered anonymously once), the learning
gain design of a course (pre-test and post-test quizzes), and the indicators of the results
matrix with their monthly series.

Anonymity: a `SurveyResponse` of an anonymous survey holds no person and only the day; who has
answered (or skipped) is a separate `SurveyParticipation`, with no link to the response, so
that nobody is asked twice and nobody can be tied to what they wrote.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

QUALITY_ROLE = "Calidad"
EVIDENCE_EXTENSIONS = ["pdf", "xlsx", "docx", "odt", "ods", "csv", "png", "jpg", "jpeg"]


class Survey(ClusterableModel):
    class Audience(models.TextChoices):
        COMPLETION = "completion", _("Learners, on completing the course")
        MANAGER = "manager", _("The learner's manager, days after completion")

    title = models.CharField(_("title"), max_length=255)
    introduction = models.TextField(_("introduction"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience = models.CharField(
        _("who answers"), max_length=12, choices=Audience.choices, default=Audience.COMPLETION
    )
    followup_days = models.PositiveSmallIntegerField(
        _("days after completion (manager follow-up)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Responses are stored without the person and with the day only."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Every version of a survey shares its lineage: who answered one version is not asked again.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldPanel("audience"),
                FieldPanel("followup_days"),
                FieldPanel("anonymous"),
                FieldPanel("active"),
            ],
            heading=_("When and to whom"),
        ),
        InlinePanel("questions", label=_("Questions"), min_num=1),
    ]

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        if self.version > 1:
            return f"{self.title} (v{self.version})"
        return self.title


class SurveyQuestion(Orderable):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LIKERT)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("One per line (one or several choices).")
    )
    required = models.BooleanField(_("required"), default=True)
    # A question about a lesson lets the trainer view list low-rated lessons.
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("required"),
        FieldPanel("lesson"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyParticipation(models.Model):
    """That a person answered or skipped a survey (never what they answered)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ANSWERED = "answered", _("Answered")
        SKIPPED = "skipped", _("Skipped")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    lineage = models.UUIDField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The enrolment the survey is about (a manager answers once per report's completion);
    # 0 for a learner's own completion survey (asked once per survey, whatever the cycle).
    subject = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    invited_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "user", "subject"], name="quality_participation_once"
            )
        ]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.state}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The day only: a time would let someone match a response to a participation.
    answered_on = models.DateField(default=timezone.localdate)
    # Only for surveys that are not anonymous.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["survey", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.answered_on}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True)  # Likert 1-5 or choice index
    choices = models.JSONField(default=list, blank=True)  # indexes of several choices
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.question_id}"


class GainDesign(models.Model):
    """A course's pre-test and post-test: the learning gain is computed from their grades."""

    course = models.OneToOneField(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )
    pre_quiz = models.ForeignKey(
        "assessments.Quiz", verbose_name=_("pre-test"), on_delete=models.CASCADE, related_name="+"
    )
    post_quiz = models.ForeignKey(
        "assessments.Quiz", verbose_name=_("post-test"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("course"), FieldPanel("pre_quiz"), FieldPanel("post_quiz")]

    class Meta:
        verbose_name = _("learning gain design")
        verbose_name_plural = _("learning gain designs")

    def __str__(self) -> str:
        return str(self.course)

    def clean(self) -> None:
        # The same quiz as both tests makes every gain zero (or undefined): a design mistake,
        # not a result, so it is refused where the design is written.
        if self.pre_quiz_id and self.pre_quiz_id == self.post_quiz_id:
            raise ValidationError(
                {"post_quiz": _("The post-test must be a different quiz from the pre-test.")}
            )


class Indicator(models.Model):
    class Source(models.TextChoices):
        CERTIFIED = "certified", _("Share of staff in scope with a valid certificate")
        COMPLETION = "completion", _("Completion rate")
        SATISFACTION = "satisfaction", _("Mean satisfaction (1-5)")
        GAIN = "gain", _("Mean normalised learning gain")
        BUS_FACTOR = "bus_factor", _("Critical systems with bus factor ≥ 2 and no overdue runbook")
        REVIEWED = "reviewed", _("Articles reviewed on time")
        MANUAL = "manual", _("Manual value with evidence")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    name = models.CharField(_("indicator"), max_length=255)
    objective = models.TextField(_("objective"))
    activity = models.TextField(_("activity"), blank=True)
    source = models.CharField(
        _("formula"), max_length=14, choices=Source.choices, default=Source.MANUAL
    )
    requirement = models.ForeignKey(
        "people.Requirement",
        verbose_name=_("required training"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For the certificate share."),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Limit completion, satisfaction or gain to one course (empty: all)."),
    )
    measure = models.CharField(_("unit of measure"), max_length=40, default="%")
    baseline = models.DecimalField(_("baseline"), max_digits=10, decimal_places=2)
    baseline_date = models.DateField(_("baseline date"))
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    target_date = models.DateField(_("target date"))
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    verification = models.TextField(_("means of verification"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("objective"),
        FieldPanel("activity"),
        MultiFieldPanel(
            [FieldPanel("source"), FieldPanel("requirement"), FieldPanel("course")],
            heading=_("How it is measured"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("measure"),
                FieldPanel("baseline"),
                FieldPanel("baseline_date"),
                FieldPanel("target"),
                FieldPanel("target_date"),
                FieldPanel("higher_is_better"),
            ],
            heading=_("Baseline and target"),
        ),
        FieldPanel("frequency"),
        FieldPanel("verification"),
        FieldPanel("owner"),
        FieldPanel("sort_order"),
    ]

    AUDITED_FIELDS = ("baseline", "baseline_date", "target", "target_date")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.source == self.Source.MANUAL


class IndicatorValue(models.Model):
    """One month of an indicator, for the institution (unit empty) or a unit's subtree."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(
        "people.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField()  # the first day of the month
    value = models.FloatField(null=True, blank=True)  # None: no data, or a group too small
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to="quality/evidence/%Y/",
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"],
                name="quality_value_unit_month",
                condition=models.Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="quality_value_institution_month",
                condition=models.Q(unit__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["unit", "period"])]
        ordering = ["period"]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.period}"


class QualityScope(models.Model):
    """Limits a quality officer to a unit and its sub-units (like HR's scopes): an officer with
    no scope sees the whole institution; with scopes, only the union of those subtrees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quality officer"),
        on_delete=models.CASCADE,
        related_name="quality_scopes",
    )
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("user"), FieldPanel("unit")]

    class Meta:
        verbose_name = _("quality scope")
        verbose_name_plural = _("quality scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="quality_scope_unique_user_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"

    def audit_label(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
