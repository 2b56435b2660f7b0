"""What the catalogue, course and lesson pages show, and who may open a lesson.

The page classes (models.py) are at the bottom of the app; their data come from selectors and
services, which import the models. So the pages ask `core.hooks` for their behaviour and
CoursesConfig.ready() registers the functions at the end of this module. The data objects load
lazily, so that a cached fragment costs no query at all.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext

from core.hooks import PageBehaviour, page_behaviour_register

from .cache import content_version, fragment_cache_context
from .hooks import course_final_steps, course_related_items
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage
from .selectors import (
    OutlineLesson,
    catalogue_courses,
    catalogue_topics,
    completed_lesson_ids,
    course_outline,
    group_by_module,
    learner_course_enrolment,
    lesson_progress_states,
)
from .services import lesson_visit

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


def catalogue_context(index_page: CourseIndexPage, request) -> dict:
    return {
        "catalogue": CatalogueData(request=request, index_page=index_page),
        **fragment_cache_context(request),
    }


def course_context(course: CoursePage, request) -> dict:
    return {
        "course_data": CourseData(request=request, course=course),
        **fragment_cache_context(request),
    }


def lesson_before_serve(lesson: LessonPage, request):
    """A lesson of a course the visitor may not see is a 404; one of a course the learner is not
    enrolled in (unless open access) sends them to the course page. Opening it records where
    the learner is."""
    course = lesson.course
    if course is None or not course.is_visible_to(request.user):
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
        lesson_visit(enrolment=enrolment, lesson=lesson, visited=lesson.pk in progress)
    request.courses_enrolment = enrolment
    request.courses_done_ids = {pk for pk, done in progress.items() if done}
    return None


def lesson_context(lesson: LessonPage, request) -> dict:
    return {
        "lesson_data": LessonData(
            request=request,
            lesson=lesson,
            course=lesson.course,
            enrolment=getattr(request, "courses_enrolment", None),
            done_ids=getattr(request, "courses_done_ids", None),
        ),
        **lesson.body_cache_context(request),
    }


def register_page_behaviours() -> None:
    page_behaviour_register(CourseIndexPage, PageBehaviour(context=catalogue_context))
    page_behaviour_register(CoursePage, PageBehaviour(context=course_context))
    page_behaviour_register(
        LessonPage, PageBehaviour(context=lesson_context, before_serve=lesson_before_serve)
    )
