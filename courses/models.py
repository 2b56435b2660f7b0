from django.conf import settings
from django.contrib import messages
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import LessonStreamBlock
from .forms import CoursePageForm


def _fragment_cache_context(request) -> dict:
    """Anonymous visitors share cached fragments; signed-in users see their own progress."""
    from .cache import FRAGMENT_TIMEOUT, content_version

    anonymous = not request.user.is_authenticated and not getattr(request, "is_preview", False)
    return {
        "use_fragment_cache": anonymous,
        "fragment_version": content_version() if anonymous else "",
        "fragment_timeout": FRAGMENT_TIMEOUT,
    }


def _mark_shareable_if_public(page: Page, request) -> None:
    """An anonymous visitor's view of a page without privacy settings is everyone's."""
    from .cache import mark_shareable

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


class CourseIndexPage(Page):
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

    def get_context(self, request, *args, **kwargs):
        from .views import CatalogueData

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CatalogueData(request=request, index_page=self)
        context.update(_fragment_cache_context(request))
        return context


class CoursePage(Page):
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
        from .permissions import CoursePermissionTester

        return CoursePermissionTester(user, self, course=self)

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
        from .services import course_is_visible_to

        if not course_is_visible_to(course=self, user=request.user):
            # Staff-only for an anonymous visitor: the same 404 as a course that does not exist.
            raise Http404
        _mark_shareable_if_public(self, request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .views import CourseData

        context = super().get_context(request, *args, **kwargs)
        context["course_data"] = CourseData(request=request, course=self)
        context.update(_fragment_cache_context(request))
        return context


class LessonPage(Page):
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

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @cached_property
    def course(self) -> "CoursePage | None":
        from .selectors import course_for_lesson

        return course_for_lesson(self)

    def permissions_for_user(self, user):
        from .permissions import CoursePermissionTester

        return CoursePermissionTester(user, self, course=self.course)

    def get_view_restrictions(self):
        if getattr(self, "courses_route_checked", False):
            # Served from the lesson route cache, kept only for pages with no restriction on
            # them or their ancestors, and dropped when a restriction is added (courses.cache).
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        from .selectors import learner_course_enrolment, lesson_progress_states
        from .services import course_is_visible_to, lesson_visit

        course = self.course
        if course is None or not course_is_visible_to(course=course, user=request.user):
            raise Http404
        enrolment = learner_course_enrolment(request.user, course)
        if enrolment is None and not course.open_access:
            messages.info(
                request,
                gettext("Enrol in the course to study its lessons.")
                if request.user.is_authenticated
                else gettext("Sign in and enrol in the course to study its lessons."),
            )
            return redirect(course.get_url(request))
        progress = lesson_progress_states(enrolment)
        if enrolment is not None and enrolment.status == Enrolment.Status.ACTIVE:
            lesson_visit(enrolment=enrolment, lesson=self, visited=self.pk in progress)
        request.courses_enrolment = enrolment
        request.courses_done_ids = {pk for pk, done in progress.items() if done}
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .views import LessonData

        context = super().get_context(request, *args, **kwargs)
        context["lesson_data"] = LessonData(
            request=request,
            lesson=self,
            course=self.course,
            enrolment=getattr(request, "courses_enrolment", None),
            done_ids=getattr(request, "courses_done_ids", None),
        )
        context.update(self._body_cache_context(request))
        return context

    def _body_cache_context(self, request) -> dict:
        """The rendered body is the same for every learner until the lesson is published
        again (its live revision changes); a preview shows a draft and is never cached."""
        from .cache import FRAGMENT_TIMEOUT, content_version

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
