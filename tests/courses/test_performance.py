"""Query counts of the learner's pages are bounded and do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete

from .factories import TopicFactory, make_course, make_lesson

pytestmark = pytest.mark.django_db

CATALOGUE_MAX = 20
COURSE_MAX = 25
# A lesson right after a publication rebuilds its cached route and outline; then it reads
# only the learner's own rows (user, enrolment, progress).
LESSON_MAX = 14
LESSON_WARM_MAX = 4
MY_LEARNING_MAX = 8


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _measure_twice(client, grow, url_for, small, large, bound, django_assert_max_num_queries):
    grow(small)
    client.get(url_for())  # warm per-process caches (site root paths, content types)
    first = _count(client, url_for())
    grow(large - small)
    with django_assert_max_num_queries(bound):
        response = client.get(url_for())
    assert response.status_code == 200
    second = _count(client, url_for())
    assert first == second, f"{first} queries at {small}, {second} at {large}"


@pytest.mark.parametrize("signed_in", [False, True])
def test_catalogue(client, learner, signed_in, django_assert_max_num_queries, settings):
    if signed_in:
        client.force_login(learner)
    else:
        # Measure the uncached path: every request must render the fragment.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    topic = TopicFactory(name="Interoperabilidad", slug="interoperabilidad")
    made = []

    def grow(n):
        for _ in range(n):
            made.append(make_course(title=f"Curso {len(made)}", lessons=0, topic=topic))

    _measure_twice(
        client, grow, lambda: "/cursos/", 5, 50, CATALOGUE_MAX, django_assert_max_num_queries
    )


def test_course_page(client, learner, trainer, django_assert_max_num_queries):
    course = make_course(title="Grande", lessons=0, owners=[trainer])
    enrolment = enrolment_create(learner=learner, course=course)
    client.force_login(learner)

    def grow(n):
        for _ in range(n):
            lesson = make_lesson(course=course, title=f"Lección {LessonPage.objects.count()}")
            lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)

    _measure_twice(
        client, grow, lambda: course.url, 3, 30, COURSE_MAX, django_assert_max_num_queries
    )


def test_lesson_page(client, learner, django_assert_max_num_queries, settings):
    # The warm count needs the cache to itself (parallel workers sharing a Redis clear it).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    course = make_course(title="Grande", lessons=1)
    enrolment = enrolment_create(learner=learner, course=course)
    first = LessonPage.objects.child_of(course).get()
    client.force_login(learner)

    def grow(n):
        for _ in range(n):
            lesson = make_lesson(course=course, title=f"Lección {LessonPage.objects.count()}")
            lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)

    _measure_twice(
        client, grow, lambda: first.url, 3, 30, LESSON_MAX, django_assert_max_num_queries
    )
    assert _count(client, first.url) <= LESSON_WARM_MAX


def test_my_learning(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    made = []

    def grow(n):
        for _ in range(n):
            course = make_course(title=f"Curso {len(made)}", lessons=1)
            source = Enrolment.Source.ASSIGNED if len(made) % 2 else Enrolment.Source.SELF
            enrolment = enrolment_create(learner=learner, course=course, source=source)
            client.get(LessonPage.objects.child_of(course).get().url)  # sets last lesson
            made.append(enrolment)

    _measure_twice(
        client,
        grow,
        lambda: "/mi-aprendizaje/",
        3,
        30,
        MY_LEARNING_MAX,
        django_assert_max_num_queries,
    )
