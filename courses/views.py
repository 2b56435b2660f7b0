"""Views of the courses app: thin, they validate, call a service or selector, and render.

The catalogue, course and lesson pages are Wagtail pages (models.py); their data objects below
load lazily, so that a cached fragment costs no query at all.
"""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.views import serve as wagtail_serve

from .cache import cached_public_page, content_version, learner_fragment, lesson_route
from .extensions import course_final_steps, course_related_items, my_learning_panels
from .models import CoursePage, Enrolment, LessonPage
from .rules import can_list_course_reports, can_view_course_reports
from .selectors import (
    OutlineLesson,
    catalogue_courses,
    catalogue_topics,
    completed_lesson_ids,
    course_outline,
    course_report,
    course_report_rows,
    group_by_module,
    learner_course_enrolment,
    my_learning,
    owned_courses,
)
from .services import (
    course_is_visible_to,
    enrolment_create,
    enrolment_withdraw,
    lesson_complete,
)

CATALOGUE_PAGE_SIZE = 24


class CatalogueData:
    """The catalogue's filters and results, computed only when a template asks."""

    def __init__(self, *, request, index_page):
        self.request = request
        self.index_page = index_page
        params = request.GET
        self.topic = params.get("tema", "").strip()[:100]
        self.level = params.get("nivel", "").strip()
        if self.level not in CoursePage.Level.values:
            self.level = ""
        self.query = params.get("q", "").strip()[:200]
        try:
            self.page_number = max(1, int(params.get("pagina", "1")))
        except ValueError:
            self.page_number = 1

    @property
    def cache_key(self) -> str:
        return urlencode({"t": self.topic, "l": self.level, "q": self.query, "p": self.page_number})

    @cached_property
    def topics(self):
        return catalogue_topics()

    @property
    def levels(self):
        return CoursePage.Level.choices

    @cached_property
    def page(self):
        courses = catalogue_courses(
            user=self.request.user,
            index_page=self.index_page,
            topic=self.topic,
            level=self.level,
            query=self.query,
        )
        return Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(self.page_number)

    @property
    def is_filtered(self) -> bool:
        return bool(self.topic or self.level or self.query)

    def page_query(self, number: int) -> str:
        params = {"tema": self.topic, "nivel": self.level, "q": self.query, "pagina": number}
        return urlencode({k: v for k, v in params.items() if v})

    @cached_property
    def previous_query(self) -> str:
        return self.page_query(self.page.previous_page_number()) if self.page.has_previous() else ""

    @cached_property
    def next_query(self) -> str:
        return self.page_query(self.page.next_page_number()) if self.page.has_next() else ""


class CourseData:
    """What the course page shows; the learner's part only for a signed-in user."""

    def __init__(self, *, request, course: CoursePage):
        self.request = request
        self.course = course

    @cached_property
    def lessons(self) -> list[OutlineLesson]:
        return course_outline(self.course, course_url=self.course.get_url(self.request))

    @cached_property
    def modules(self):
        return group_by_module(self.lessons)

    @cached_property
    def owners(self):
        return list(self.course.owners.all())

    @cached_property
    def prerequisites(self):
        related = self.course.prerequisites.all()
        if not hasattr(related, "live"):
            # A preview or a draft revision holds them in modelcluster's in-memory FakeQuerySet.
            related = CoursePage.objects.filter(pk__in=[course.pk for course in related])
        return list(related.live().order_by("title"))

    @cached_property
    def related(self):
        return course_related_items(self.course)

    @cached_property
    def final_steps(self):
        return [item for item in self.related if item.get("after_lessons")]

    @cached_property
    def enrolment(self):
        return learner_course_enrolment(self.request.user, self.course)

    @cached_property
    def done_ids(self):
        return completed_lesson_ids(self.enrolment)

    @cached_property
    def resume_lesson(self):
        """Where to continue: the last lesson seen if unfinished, else the first not done."""
        enrolment = self.enrolment
        if enrolment is None or not self.lessons:
            return None
        by_id = {lesson.pk: lesson for lesson in self.lessons}
        last = by_id.get(enrolment.last_lesson_id)
        if last is not None and last.pk not in self.done_ids:
            return last
        for lesson in self.lessons:
            if lesson.pk not in self.done_ids:
                return lesson
        return self.lessons[0]

    @property
    def can_read_lessons(self) -> bool:
        return self.course.open_access or self.enrolment is not None


class LessonData:
    def __init__(
        self,
        *,
        request,
        lesson: LessonPage,
        course: CoursePage | None,
        enrolment,
        done_ids: set[int] | None = None,
    ):
        self.request = request
        self.lesson = lesson
        self.course = course
        self.enrolment = enrolment
        if done_ids is not None:
            self.done_ids = done_ids

    @cached_property
    def course_url(self) -> str:
        # Known from the route cache when the lesson came from it.
        url = getattr(self.lesson, "courses_course_url", None)
        return url or self.course.get_url(self.request)

    @cached_property
    def lessons(self) -> list[OutlineLesson]:
        if self.course is None:
            return []
        return course_outline(
            self.course,
            course_url=self.course_url,
            version=getattr(self.lesson, "courses_content_version", None),
        )

    @cached_property
    def modules(self):
        return group_by_module(self.lessons)

    @cached_property
    def done_ids(self):
        return completed_lesson_ids(self.enrolment)

    @cached_property
    def syllabus_key(self) -> str:
        """What the rendered syllabus depends on besides the course, the lesson and the
        language: the outline's content version and the learner's completed lessons."""
        version = getattr(self.lesson, "courses_content_version", None) or content_version()
        return f"{version}:{','.join(map(str, sorted(self.done_ids)))}"

    @cached_property
    def position(self) -> int:
        ids = [lesson.pk for lesson in self.lessons]
        return ids.index(self.lesson.pk) if self.lesson.pk in ids else -1

    @property
    def previous(self):
        return self.lessons[self.position - 1] if self.position > 0 else None

    @property
    def next(self):
        if 0 <= self.position < len(self.lessons) - 1:
            return self.lessons[self.position + 1]
        return None

    @cached_property
    def final_steps(self) -> list[dict]:
        return course_final_steps(self.course) if self.course is not None else []

    @property
    def next_step(self) -> dict | None:
        """After the last lesson, the course's final step (its quiz), if it has one. Asked
        only on the last lesson, so that other lessons spend no query on it."""
        if self.next is None and self.lessons and self.final_steps:
            return self.final_steps[0]
        return None

    @property
    def is_done(self) -> bool:
        return self.lesson.pk in self.done_ids

    @property
    def can_complete(self) -> bool:
        return self.enrolment is not None and self.enrolment.status == Enrolment.Status.ACTIVE


# The catalogue and course pages are Wagtail pages; these routes put the anonymous page cache in
# front of Wagtail's routing, so that a cached page costs no query at all.
public_page = cached_public_page(wagtail_serve)


def public_course_page(request, slug: str):
    return public_page(request, path=f"cursos/{slug}/")


def lesson_page(request, course_slug: str, lesson_slug: str):
    """A lesson, served by Wagtail from a cached route when it has one (courses.cache)."""
    path = f"cursos/{course_slug}/{lesson_slug}/"
    if request.method in ("GET", "HEAD"):
        lesson = lesson_route(request, path)
        if lesson is not None:
            request._wagtail_route_for_request = (lesson, [], {})
    return wagtail_serve(request, path)


def _visible_course_or_404(request, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not course_is_visible_to(course=course, user=request.user):
        raise Http404
    return course


@login_required
@require_POST
def enrol(request, course_id: int):
    """Self-enrolment of the signed-in user; the learner is never taken from the request."""
    course = _visible_course_or_404(request, course_id)
    try:
        enrolment = enrolment_create(learner=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if enrolment.status == Enrolment.Status.COMPLETED:
            messages.info(request, _("You have already completed this course."))
        else:
            messages.success(request, _("You are enrolled in “%s”.") % course.title)
    return HttpResponseRedirect(course.get_url(request))


@login_required
@require_POST
def leave(request, course_id: int):
    course = _visible_course_or_404(request, course_id)
    enrolment = Enrolment.objects.filter(
        learner=request.user, course=course, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this course."))
    elif enrolment.source == Enrolment.Source.ASSIGNED:
        messages.error(
            request, _("This course was assigned to you; ask Human Resources to withdraw it.")
        )
    else:
        enrolment_withdraw(enrolment=enrolment, user=request.user)
        messages.success(request, _("You left “%s”. Your progress is kept.") % course.title)
    return HttpResponseRedirect(course.get_url(request))


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = lesson.course
    if course is None or not course_is_visible_to(course=course, user=request.user):
        raise Http404
    enrolment = Enrolment.objects.filter(
        learner=request.user, course=course, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        raise PermissionDenied(_("You are not enrolled in this course."))
    enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=request.user)
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(request, _("Congratulations: you completed “%s”.") % course.title)
        return HttpResponseRedirect(course.get_url(request))
    messages.success(request, _("Lesson marked as completed."))
    following = LessonData(request=request, lesson=lesson, course=course, enrolment=enrolment)
    following_lesson = following.next
    return HttpResponseRedirect(
        following_lesson.url if following_lesson else lesson.get_url(request)
    )


@login_required
def my_learning_view(request):
    def render_content() -> str:
        return render_to_string(
            "courses/includes/my_learning_content.html",
            {
                "learning": my_learning(request.user),
                "panels": my_learning_panels(request),
                "today": timezone.localdate(),
            },
            request,
        )

    content = learner_fragment(request, "my-learning", render_content)
    return render(request, "courses/my_learning.html", {"content": content})


@login_required
def reports(request):
    if not can_list_course_reports(request.user):
        raise PermissionDenied
    return render(request, "courses/reports.html", {"courses": owned_courses(request.user)})


def _report_course(request, course_id: int) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not can_view_course_reports(request.user, course):
        raise PermissionDenied
    return course


@login_required
def report(request, course_id: int):
    course = _report_course(request, course_id)
    return render(request, "courses/report.html", {"report": course_report(course)})


class _Echo:
    def write(self, value):
        return value


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


@login_required
def report_csv(request, course_id: int):
    course = _report_course(request, course_id)
    writer = csv.writer(_Echo())
    header = [
        _("Learner"),
        _("E-mail"),
        _("Cycle"),
        _("Source"),
        _("Status"),
        _("Progress (%)"),
        _("Enrolled at"),
        _("Due date"),
        _("Completed at"),
    ]

    def rows():
        yield writer.writerow(header)
        for enrolment in course_report_rows(course):
            yield writer.writerow(
                [
                    _csv_safe(enrolment.learner.get_full_name()),
                    _csv_safe(enrolment.learner.email),
                    enrolment.cycle,
                    enrolment.get_source_display(),
                    enrolment.get_status_display(),
                    enrolment.progress_percent,
                    timezone.localtime(enrolment.enrolled_at).strftime("%Y-%m-%d %H:%M"),
                    enrolment.due_date.isoformat() if enrolment.due_date else "",
                    timezone.localtime(enrolment.completed_at).strftime("%Y-%m-%d %H:%M")
                    if enrolment.completed_at
                    else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"informe-{slugify(course.slug)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
