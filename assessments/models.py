"""Question bank, quizzes and attempts.

A Question is what authors edit; a QuestionVersion is an immutable snapshot of it. An attempt
freezes the versions it shows, so editing a question that learners have already seen creates a
new version and never changes a past attempt (services.question_version_sync).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from . import grading
from .formats import TEXT_FORMATS
from .panels import AnswersPanel
from .presentation import preview_question


class QuestionType(models.TextChoices):
    SINGLE = grading.SINGLE, _("Single choice")
    MULTIPLE = grading.MULTIPLE, _("Multiple choice")
    TRUEFALSE = grading.TRUEFALSE, _("True/false")
    SHORT = grading.SHORT, _("Short answer")
    NUMERIC = grading.NUMERIC, _("Numeric")
    MATCHING = grading.MATCHING, _("Matching")


class TextFormat(models.TextChoices):
    PLAIN = TEXT_FORMATS[0], _("Plain text")
    HTML = TEXT_FORMATS[1], _("HTML")
    MARKDOWN = TEXT_FORMATS[2], _("Markdown")


class QuestionCategory(models.Model):
    """A folder of the question bank. Nested through `parent`; shown as "A/B/C"."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        # A deleted course leaves its categories to the administrators (shared).
        on_delete=models.SET_NULL,
        related_name="question_categories",
        help_text=_(
            "The course whose trainers own these questions. Empty: a shared category, which "
            "every trainer may read and use and only administrators edit."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("parent"), FieldPanel("course")]),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="assessments_category_unique_name"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="assessments_category_unique_root_name",
            ),
            models.CheckConstraint(
                condition=~Q(name__contains="/"), name="assessments_category_no_slash"
            ),
        ]

    def __str__(self) -> str:
        return self.path_name

    @property
    def path_name(self) -> str:
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    """The editable question. Learners only ever see a QuestionVersion of it."""

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    title = models.CharField(_("title"), max_length=255)
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    stem = models.TextField(_("question text"))
    stem_format = models.CharField(
        _("text format"), max_length=10, choices=TextFormat.choices, default=TextFormat.MARKDOWN
    )
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
    )
    general_feedback = models.TextField(_("general feedback"), blank=True)
    data = models.JSONField(
        _("answers"),
        default=dict,
        help_text=_(
            'Answers as JSON. Single/multiple choice: {"choices": [{"text": "…", "fraction": 1, '
            '"feedback": "…"}]}; true/false: {"answer": true}; short answer: {"answers": [{"text": '
            '"…", "fraction": 1}]}; numeric: {"answers": [{"value": 3.1, "tolerance": 0.1, '
            '"fraction": 1}]} or {"min": 1, "max": 5}; matching: {"pairs": [{"left": "…", "right": "…"}]}.'
        ),
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    # Moodle's question "ID number" (GIFT `// [id:…]`): kept on import, written on export.
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    current_version = models.ForeignKey(
        "QuestionVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("qtype")]),
                FieldPanel("tags"),
                FieldPanel("idnumber"),
            ],
            heading=_("Bank"),
        ),
        MultiFieldPanel(
            [FieldPanel("stem_format"), FieldPanel("stem"), FieldPanel("points")],
            heading=_("Question"),
        ),
        MultiFieldPanel(
            [AnswersPanel(), FieldPanel("general_feedback")], heading=_("Answers and feedback")
        ),
    ]
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("stem"),
        # The admin's list searches as the trainer types (partial words), as Wagtail's own
        # listings do; without these it falls back to whole words with a warning.
        index.AutocompleteField("title"),
        index.AutocompleteField("stem"),
        index.FilterField("qtype"),
        index.FilterField("category_id"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category_id", "title"]

    def __str__(self) -> str:
        return self.title

    def get_preview_template(self, request, mode_name):
        return "assessments/question_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["q"] = preview_question(self) if self.qtype in grading.TYPES else None
        return context

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            self.data = grading.validate_data(self.qtype, self.data)
        except grading.InvalidData as exc:
            raise ValidationError(
                {"data": _("The answers do not fit this question type: %(error)s") % {"error": exc}}
            )


class QuestionVersion(models.Model):
    """An immutable snapshot of a question, as learners saw it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    qtype = models.CharField(max_length=20, choices=QuestionType.choices)
    stem = models.TextField()
    stem_format = models.CharField(max_length=10, choices=TextFormat.choices)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    general_feedback = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="assessments_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LAST = "last", _("Last attempt")
    AVERAGE = "average", _("Average of attempts")


class Quiz(ClusterableModel):
    title = models.CharField(_("title"), max_length=255)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        # Deleting a course keeps its quizzes and their attempts (grades are history).
        on_delete=models.SET_NULL,
        related_name="quizzes",
        help_text=_("The course this quiz belongs to (its final exam, or a lesson's quiz)."),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
        help_text=_("Empty for the course's final exam."),
    )
    description = models.TextField(_("instructions"), blank=True, help_text=_("Markdown."))
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: no time limit."),
        # Bounded: SQLite stores any integer and the deadline's datetime would overflow.
        validators=[MinValueValidator(1), MaxValueValidator(10080)],
    )
    max_attempts = models.PositiveIntegerField(
        _("maximum attempts"),
        default=0,
        help_text=_("0: unlimited."),
        validators=[MaxValueValidator(1000)],
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("minutes between attempts"), default=0, validators=[MaxValueValidator(525600)]
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    review_show_responses = models.BooleanField(
        _("after submitting, show the learner's answers"), default=True
    )
    review_show_correct = models.BooleanField(
        _("after submitting, show the correct answers"), default=False
    )
    review_show_feedback = models.BooleanField(_("after submitting, show feedback"), default=True)
    required_for_completion = models.BooleanField(
        _("passing is required to complete the course"), default=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("course"), FieldPanel("lesson")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("grading_method")]),
                FieldRowPanel(
                    [
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("max_attempts"),
                        FieldPanel("cooldown_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("required_for_completion"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_show_responses"),
                FieldPanel("review_show_correct"),
                FieldPanel("review_show_feedback"),
            ],
            heading=_("Presentation and review"),
        ),
        InlinePanel("slots", heading=_("Fixed questions"), label=_("Question")),
        InlinePanel("random_slots", heading=_("Random questions"), label=_("Random draw")),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="assessments_quiz_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})
        if self.lesson_id and self.course_id and self.lesson.get_parent().pk != self.course_id:
            raise ValidationError({"lesson": _("The lesson must belong to the quiz's course.")})
        if self.lesson_id and not self.course_id:
            self.course_id = self.lesson.get_parent().pk


class QuizSlot(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="quiz_slots"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")


class QuizRandomSlot(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="random_slots")
    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(
        _("number of questions"), default=1, validators=[MinValueValidator(1)]
    )
    include_subcategories = models.BooleanField(_("include subcategories"), default=True)

    panels = [
        FieldRowPanel(
            [FieldPanel("category"), FieldPanel("count"), FieldPanel("include_subcategories")]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("random draw")


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_timeout = models.BooleanField(default=False)
    # [{"slot": 0, "version": 12, "points": "1.00", "order": ["c2", "c0", "c1"],
    #   "tokens": ["x7Qa-2Lm", ...]}, ...]  (see assessments/layout.py)
    layout = models.JSONField(default=list)
    points = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_points = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal("0"))
    score = models.DecimalField(
        _("score (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "learner"],
                condition=Q(state="in_progress"),
                name="assessments_one_open_attempt",
            ),
            models.UniqueConstraint(
                fields=["quiz", "learner", "number"], name="assessments_attempt_number"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["quiz", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.learner_id})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    slot = models.PositiveIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField(null=True, blank=True)
    # A short summary of the response ("|c0|c2|", "true", normalised text) for item statistics.
    response_key = models.CharField(max_length=200, blank=True, db_index=True)
    fraction = models.FloatField(null=True, blank=True)
    points = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    autosaved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "slot"], name="assessments_answer_unique_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.slot}"
