"""Reads shared by the catalogue, course, lesson, "Mi aprendizaje" and report pages.

Each returns data with its relations already loaded, so no page runs a query per row.
"""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.query import PlainText

from core.api import Role, has_role, search_words

from .cache import course_outline_rows, without_request_state
from .models import CoursePage, Enrolment, LessonPage, LessonProgress, Topic


def visible_courses(user) -> QuerySet[CoursePage]:
    """Published courses the user may see: staff-only ones need a signed-in, active account."""
    qs = CoursePage.objects.live().select_related("topic")
    if not (user and user.is_authenticated and user.is_active):
        qs = qs.filter(visibility=CoursePage.Visibility.PUBLIC)
    return qs


def catalogue_courses(
    *, user, index_page=None, topic: str = "", level: str = "", query: str = ""
) -> list[CoursePage]:
    searchable = visible_courses(user)
    if index_page is not None:
        searchable = searchable.child_of(index_page)
    qs = searchable
    if topic:
        qs = qs.filter(topic__slug=topic)
    if level:
        qs = qs.filter(level=level)
    qs = qs.order_by("title")
    if query:
        words = search_words(query)
        if not words:
            return []
        # Wagtail search (PostgreSQL full text with the Spanish configuration in production)
        # over filter fields only; the topic (a related slug) and level apply afterwards.
        ids = [page.pk for page in searchable.search(PlainText(words), operator="and")]
        courses = {c.pk: c for c in qs.filter(pk__in=ids)}
        return [courses[pk] for pk in ids if pk in courses]
    return list(qs)


def catalogue_topics() -> list[Topic]:
    return list(Topic.objects.all())


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The course's published lessons in syllabus order, without their bodies."""
    return list(LessonPage.objects.child_of(course).live().defer_streamfields().order_by("path"))


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson as the syllabus, the pager and "continue" links show it."""

    pk: int
    title: str
    url: str
    module: str
    estimated_minutes: int


def course_outline(
    course: CoursePage, *, course_url: str, version: str | None = None
) -> list[OutlineLesson]:
    """The course's published lessons in syllabus order, from a cache shared by all learners
    (courses.cache); a lesson's address is its course's plus its slug, as Wagtail routes it."""

    def load() -> list[tuple]:
        return list(
            LessonPage.objects.child_of(course)
            .live()
            .order_by("path")
            .values_list("pk", "title", "slug", "module", "estimated_minutes")
        )

    return [
        OutlineLesson(
            pk=pk, title=title, url=f"{course_url}{slug}/", module=module, estimated_minutes=minutes
        )
        for pk, title, slug, module, minutes in course_outline_rows(course.pk, version, load=load)
    ]


def group_by_module(lessons: list) -> list[tuple[str, list]]:
    """Consecutive lessons with the same module form one group, in syllabus order."""
    return [
        (module, list(items))
        for module, items in groupby(lessons, key=lambda lesson: lesson.module)
    ]


def learner_course_enrolment(user, course: CoursePage) -> Enrolment | None:
    """The learner's active enrolment, else their latest completed one (for review)."""
    if not (user and user.is_authenticated):
        return None
    enrolments = (
        Enrolment.objects.filter(learner=user, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("-cycle")
    )
    enrolments = list(enrolments[:2])
    for enrolment in enrolments:
        if enrolment.status == Enrolment.Status.ACTIVE:
            return enrolment
    return enrolments[0] if enrolments else None


def lesson_progress_states(enrolment: Enrolment | None) -> dict[int, bool]:
    """Every lesson the learner opened in this enrolment: lesson id -> completed."""
    if enrolment is None:
        return {}
    return {
        lesson_id: completed_at is not None
        for lesson_id, completed_at in LessonProgress.objects.filter(
            enrolment=enrolment
        ).values_list("lesson_id", "completed_at")
    }


def completed_lesson_ids(enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )


_ENROLMENT_FIELDS = (
    "learner_id",
    "course_id",
    "cycle",
    "source",
    "due_date",
    "status",
    "progress_percent",
    "last_lesson_id",
    "enrolled_at",
    "completed_at",
)
# What a link to a page needs (Page.get_url) and what "Mi aprendizaje" shows of it.
_PAGE_LINK_FIELDS = ("title", "slug", "url_path", "live", "path", "depth")


@dataclass
class MyLearning:
    assigned: list[Enrolment] = field(default_factory=list)
    in_progress: list[Enrolment] = field(default_factory=list)
    completed: list[Enrolment] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.assigned or self.in_progress or self.completed)


def my_learning(user) -> MyLearning:
    """The learner's enrolments by section, their courses and last lessons loaded in two plain
    queries (a five-table join cost more to plan than to run), and every page given the site
    root paths once, so that `page.url` needs neither a site lookup nor a cache read."""
    from wagtail.models import Site

    enrolments = list(
        Enrolment.objects.filter(learner=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course")
        .only(*_ENROLMENT_FIELDS, *(f"course__{name}" for name in _PAGE_LINK_FIELDS))
        .order_by("-enrolled_at")
    )
    lesson_ids = {e.last_lesson_id for e in enrolments if e.last_lesson_id}
    lessons = (
        {
            lesson.pk: lesson
            for lesson in LessonPage.objects.filter(pk__in=lesson_ids).only(*_PAGE_LINK_FIELDS)
        }
        if lesson_ids
        else {}
    )
    root_paths = Site.get_site_root_paths()
    for enrolment in enrolments:
        enrolment.last_lesson = lessons.get(enrolment.last_lesson_id)
        for page in (enrolment.course, enrolment.last_lesson):
            if page is not None:
                page._wagtail_cached_site_root_paths = root_paths
    result = MyLearning()
    for enrolment in enrolments:
        if not enrolment.course.live:
            continue
        if enrolment.status == Enrolment.Status.COMPLETED:
            result.completed.append(enrolment)
        elif enrolment.source == Enrolment.Source.ASSIGNED:
            result.assigned.append(enrolment)
        else:
            result.in_progress.append(enrolment)
    # Overdue first, then the nearest due date.
    result.assigned.sort(key=lambda e: (not e.is_overdue, e.due_date is None, e.due_date))
    result.completed.sort(key=lambda e: e.completed_at, reverse=True)
    return result


def owned_courses(user) -> QuerySet[CoursePage]:
    qs = CoursePage.objects.all().order_by("title")
    if user.is_superuser or _is_admin(user):
        return qs
    return qs.filter(owners=user)


def _is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


@dataclass
class LessonDropOff:
    lesson: LessonPage
    viewed: int
    completed: int


@dataclass
class CourseReport:
    course: CoursePage
    enrolled: int
    in_progress: int
    completed: int
    withdrawn: int
    median_days_to_complete: float | None
    lessons: list[LessonDropOff]

    @property
    def completion_rate(self) -> float | None:
        if not self.enrolled:
            return None
        return round(100 * self.completed / self.enrolled, 1)


def course_report(course: CoursePage) -> CourseReport:
    counts = Enrolment.objects.filter(course=course).aggregate(
        enrolled=Count("pk"),
        in_progress=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        withdrawn=Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
    )
    durations = [
        (completed_at - enrolled_at) / timedelta(days=1)
        for enrolled_at, completed_at in Enrolment.objects.filter(
            course=course, status=Enrolment.Status.COMPLETED, completed_at__isnull=False
        ).values_list("enrolled_at", "completed_at")
    ]
    per_lesson = {
        row["lesson_id"]: row
        for row in LessonProgress.objects.filter(enrolment__course=course)
        .values("lesson_id")
        .annotate(
            viewed=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
        )
    }
    lessons = [
        LessonDropOff(
            lesson=lesson,
            viewed=per_lesson.get(lesson.pk, {}).get("viewed", 0),
            completed=per_lesson.get(lesson.pk, {}).get("completed", 0),
        )
        for lesson in LessonPage.objects.child_of(course).defer_streamfields().order_by("path")
    ]
    return CourseReport(
        course=course,
        median_days_to_complete=round(statistics.median(durations), 1) if durations else None,
        lessons=lessons,
        **counts,
    )


def course_report_rows(course: CoursePage):
    """One row per enrolment for the CSV export, streamed from the database."""
    return (
        Enrolment.objects.filter(course=course)
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "cycle")
        .iterator(chunk_size=500)
    )


def current_enrolment(*, user, course_id: int, statuses) -> Enrolment | None:
    """The learner's latest enrolment cycle in the course among `statuses`, else None."""
    return (
        Enrolment.objects.filter(learner=user, course_id=course_id, status__in=statuses)
        .order_by("-cycle")
        .first()
    )


def enrolled_course_ids(*, user) -> QuerySet:
    # A subquery, not a join through enrolments: no DISTINCT over every column of the rows
    # that use it ("Mi aprendizaje" runs it on every visit).
    return Enrolment.objects.filter(
        learner=user, status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)
    ).values("course_id")


def lesson_route_build(request, path: str) -> tuple:
    """(lesson, its course's URL) for a route that may be cached, else (None, None)."""
    route = Page.route_for_request(request, path)
    if route is None or route[1] or route[2] or not isinstance(route[0], LessonPage):
        return None, None
    routed = route[0]
    course = routed.course
    if course is None or routed.get_view_restrictions().exists():
        return None, None
    lesson = without_request_state(routed)
    lesson.__dict__["course"] = without_request_state(course)
    return lesson, course.get_url(request)


def completion_counts(
    *, course_id: int | None = None, learner_ids=None, until=None
) -> tuple[int, int]:
    """(completed, enrolled) over enrolment cycles begun before `until` (default now) and not
    withdrawn then; completed means completed before `until`. One query."""
    until = until or timezone.now()
    qs = Enrolment.objects.filter(enrolled_at__lt=until).exclude(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at__lt=until
    )
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    if learner_ids is not None:
        qs = qs.filter(learner_id__in=learner_ids)
    row = qs.aggregate(
        enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__lt=until))
    )
    return row["completed"], row["enrolled"]
