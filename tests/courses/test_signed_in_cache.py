"""What signed-in learners' lesson pages share through the cache (courses.cache: lesson routes
and course outlines) is dropped when the content changes; their own state never is shared."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create

from .factories import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # Parallel workers sharing a Redis clear it at any moment: assert on a local cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def lessons(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def studying(client, learner, course):
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    return client


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_cached_route_skips_wagtails_routing_queries(studying, lessons):
    url = lessons[1].url
    first, cold = _get(studying, url)
    second, warm = _get(studying, url)
    assert first.status_code == second.status_code == 200
    assert warm < cold
    html = second.content.decode()
    # The syllabus, the pager and the breadcrumb come from the cached outline and route.
    assert f'href="{lessons[0].url}" rel="prev"' in html
    assert f'href="{lessons[2].url}" rel="next"' in html
    assert f'href="{lessons[1].get_parent().url}"' in html
    assert "Contenido de Interoperabilidad básica: lección 2." in html


def test_publishing_a_lesson_changes_the_cached_outline_and_lesson(studying, course, lessons):
    url = lessons[0].url
    studying.get(url)
    make_lesson(course=course, title="Lección publicada después")
    lesson = lessons[0].specific
    lesson.title = "Título corregido"
    lesson.body = [("rich_text", "<p>Cuerpo corregido.</p>")]
    lesson.save_revision().publish()
    html = studying.get(url).content.decode()
    assert "Lección publicada después" in html
    assert "Título corregido" in html
    assert "Cuerpo corregido." in html


def test_unpublishing_a_cached_lesson_makes_it_404(studying, lessons):
    url = lessons[0].url
    assert studying.get(url).status_code == 200
    lessons[0].unpublish()
    assert studying.get(url).status_code == 404


def test_a_view_restriction_added_after_caching_is_enforced(studying, course, lessons):
    url = lessons[0].url
    assert studying.get(url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Solo directivos")])
    response = studying.get(url)
    assert response.status_code == 302
    assert "Contenido de" not in response.content.decode()


def test_the_cached_route_still_requires_an_enrolment(client, learner, make_user, lessons, course):
    url = lessons[0].url
    enrolled = make_user()
    enrolment_create(learner=enrolled, course=course)
    client.force_login(enrolled)
    assert client.get(url).status_code == 200
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == course.url


def test_progress_is_each_learners_own(studying, learner, make_user, client, course, lessons):
    studying.post(f"/cursos/lecciones/{lessons[0].pk}/completar/")
    html = studying.get(lessons[0].url).content.decode()
    assert "is-done" in html
    other = make_user()
    enrolment_create(learner=other, course=course)
    client.force_login(other)
    assert "is-done" not in client.get(lessons[0].url).content.decode()


def test_a_revisit_of_the_current_lesson_writes_nothing(studying, learner, lessons):
    url = lessons[1].url
    studying.get(url)
    enrolment = Enrolment.objects.get(learner=learner)
    assert enrolment.last_lesson_id == lessons[1].pk
    with CaptureQueriesContext(connection) as queries:
        studying.get(url)
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    studying.get(lessons[2].url)
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lessons[2].pk
    assert enrolment.lesson_progress.count() == 2


def test_the_cached_lesson_follows_the_learners_language(studying, learner, lessons):
    url = lessons[0].url
    assert "Temario" in studying.get(url).content.decode()
    learner.language = "en"
    learner.save(update_fields=["language"])
    assert "Syllabus" in studying.get(url).content.decode()


def test_the_cached_syllabus_follows_the_learners_progress_and_new_lessons(
    studying, client, learner, make_user, course, lessons
):
    from core.roles import Role
    from courses.services import lesson_complete

    first, second = lessons[0], lessons[1]
    html = studying.get(second.url).content.decode()
    assert html.count('class="syllabus__mark"') == 0
    lesson_complete(
        enrolment=Enrolment.objects.get(learner=learner, course=course), lesson=first, user=learner
    )
    html = studying.get(second.url).content.decode()
    assert html.count('class="syllabus__mark"') == 1  # the first lesson is ticked
    added = make_lesson(course=course, title="Lección añadida después")
    html = studying.get(second.url).content.decode()
    assert "Lección añadida después" in html and added.url in html
    # Another learner on the same lesson never sees this learner's ticks.
    other = make_user(Role.LEARNER)
    enrolment_create(learner=other, course=course)
    client.force_login(other)
    assert client.get(second.url).content.decode().count('class="syllabus__mark"') == 0
