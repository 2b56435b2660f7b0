from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core.hooks import BehaviourPage

from .blocks import LessonStreamBlock
from .cache import FRAGMENT_TIMEOUT, content_version, mark_shareable
from .forms import CoursePageForm, LessonPageForm
from .permissions import CoursePermissionTester

# The pages' context and the lesson's enrolment check are registered by courses.presentation
# (CoursesConfig.ready): they read selectors and services, which import this module.


def _mark_shareable_if_public(page: Page, request) -> None:
    """An anonymous visitor's view of a page without privacy settings is everyone's."""
    if not request.user.is_authenticated and not page.get_view_restrictions().exists():
        mark_shareable(request)


@register_snippet
class Topic(models.Model):
    """A managed list of course topics (Interoperabilidad, Ciberseguridad, ...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class CourseIndexPage(BehaviourPage, Page):
    """The public catalogue at /cursos/."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        # As CoursePage.route: the catalogue's children are courses, loaded once as such.
        if path_components:
            course = (
                CoursePage.objects.child_of(self)
                .select_related("topic")
                .filter(slug=path_components[0])
                .first()
            )
            if course is not None:
                course._cached_parent_obj = self
                return course.route(request, path_components[1:])
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        _mark_shareable_if_public(self, request)
        return super().serve(request, *args, **kwargs)


class CoursePage(BehaviourPage, Page):
    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone sees the course page")
        STAFF = "staff", _("Staff only: signed-in users")

    class CompletionRule(models.TextChoices):
        ALL_LESSONS = "all_lessons", _("All lessons completed")
        ALL_LESSONS_AND_QUIZZES = (
            "all_lessons_and_quizzes",
            _("All lessons completed and required quizzes passed"),
        )

    summary = models.TextField(_("summary"), max_length=600)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BASIC)
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=1
    )
    objectives = RichTextField(
        _("learning objectives"), blank=True, features=["ol", "ul", "bold", "italic"]
    )
    audience = models.TextField(_("audience"), blank=True)
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisites"), blank=True, symmetrical=False, related_name="+"
    )
    owners = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owners and trainers"),
        blank=True,
        related_name="owned_courses",
        help_text=_("Trainers who may edit this course and see its reports."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    open_access = models.BooleanField(
        _("open lessons"),
        default=False,
        help_text=_("Anyone who can see the course may read its lessons without enrolling."),
    )
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=40,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_LESSONS_AND_QUIZZES,
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],  # beyond: dates overflow
        help_text=_("Leave empty when the certificate does not expire."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("level"),
                FieldPanel("estimated_hours"),
                FieldPanel("cover_image"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [FieldPanel("objectives"), FieldPanel("audience"), FieldPanel("prerequisites")],
            heading=_("Syllabus"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("owners"),
                FieldPanel("visibility"),
                FieldPanel("open_access"),
                FieldPanel("completion_rule"),
                FieldPanel("validity_months"),
            ],
            heading=_("Delivery"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.AutocompleteField("title"),
        index.FilterField("level"),
        index.FilterField("topic_id"),
        index.FilterField("visibility"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self, course=self)

    def is_visible_to(self, user) -> bool:
        """Live, and public or seen by a signed-in, active account."""
        if not self.live:
            return False
        if self.visibility == self.Visibility.PUBLIC:
            return True
        return bool(user and user.is_authenticated and user.is_active)

    def route(self, request, path_components):
        # Wagtail loads a child as a plain Page and then again as its specific type; a course's
        # children are lessons, loaded once as such, and they know their course without a query.
        if path_components:
            lesson = LessonPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if lesson is not None:
                lesson._cached_parent_obj = self
                lesson.__dict__["course"] = self
                return lesson.route(request, path_components[1:])
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        if not self.is_visible_to(request.user):
            # Staff-only for an anonymous visitor: the same 404 as a course that does not exist.
            raise Http404
        _mark_shareable_if_public(self, request)
        return super().serve(request, *args, **kwargs)


class LessonPage(BehaviourPage, Page):
    module = models.CharField(
        _("module"),
        max_length=200,
        blank=True,
        help_text=_("Lessons with the same module are grouped."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("module"), FieldPanel("estimated_minutes")],
            heading=_("Place in the course"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    base_form_class = LessonPageForm

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @cached_property
    def course(self) -> "CoursePage | None":
        parent_path = self.path[: -CoursePage.steplen]
        return CoursePage.objects.select_related("topic").filter(path=parent_path).first()

    def permissions_for_user(self, user):
        return CoursePermissionTester(user, self, course=self.course)

    def get_view_restrictions(self):
        if getattr(self, "courses_route_checked", False):
            # Served from the lesson route cache, kept only for pages with no restriction on
            # them or their ancestors, and dropped when a restriction is added (courses.cache).
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def body_cache_context(self, request) -> dict:
        """The rendered body is the same for every learner until the lesson is published
        again (its live revision changes); a preview shows a draft and is never cached."""
        if getattr(request, "is_preview", False):
            return {"body_cache_version": None, "fragment_timeout": FRAGMENT_TIMEOUT}
        if self.live_revision_id is None or self.last_published_at is None:
            # A page created live by code, never published through Wagtail: its content
            # changes only with a publication, which bumps the content version.
            version = getattr(self, "courses_content_version", None) or content_version()
            return {"body_cache_version": f"v{version}", "fragment_timeout": FRAGMENT_TIMEOUT}
        return {
            "body_cache_version": f"{self.live_revision_id}.{self.last_published_at:%s%f}",
            "fragment_timeout": FRAGMENT_TIMEOUT,
        }


class Enrolment(models.Model):
    """A learner's passage through a course. Recertification opens a new cycle; past cycles
    stay as history. At most one active (not withdrawn, not completed) cycle per course."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    cycle = models.PositiveSmallIntegerField(default=1)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course", "cycle"], name="enrolment_unique_cycle"
            ),
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["learner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.course} (#{self.cycle})"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_unique"),
        ]
        indexes = [models.Index(fields=["lesson", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}:{self.lesson_id}"
