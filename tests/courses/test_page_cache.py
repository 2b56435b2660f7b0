"""The whole-page cache of the anonymous catalogue and course pages (courses.cache)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from .factories import TopicFactory, make_course

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # A Redis shared by parallel test workers is cleared by their fixtures at any moment:
    # cache behaviour is asserted on a process-local cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


@pytest.mark.parametrize("url", ["/cursos/", "/cursos/?tema=ciberseguridad&nivel=basic"])
def test_second_anonymous_catalogue_request_runs_no_query(client, course, url):
    client.get(url)
    count, html = _queries(client, url)
    assert count == 0
    assert "Interoperabilidad básica" in html or "tema=" in url


def test_second_anonymous_course_page_request_runs_no_query(client, course):
    client.get(course.url)
    count, html = _queries(client, course.url)
    assert count == 0
    assert "Interoperabilidad básica: lección 1" in html


def test_publishing_a_lesson_changes_the_cached_course_page(client, course):
    from .factories import make_lesson

    client.get(course.url)
    make_lesson(course=course, title="Lección añadida después")
    assert "Lección añadida después" in client.get(course.url).content.decode()


def test_moving_a_course_invalidates_the_cached_catalogue(client, course):
    other = make_course(title="Curso que se mueve", lessons=0)
    assert "Curso que se mueve" in client.get("/cursos/").content.decode()
    other.move(course, pos="last-child")
    assert "Curso que se mueve" not in client.get("/cursos/").content.decode()


def test_each_visitor_gets_their_own_csrf_token(course):
    first, second = Client(), Client()
    first.get("/cursos/")
    response = second.get("/cursos/")  # from the cache
    token = CSRF_INPUT.search(response.content.decode()).group(1)
    assert "\x00" not in response.content.decode()
    cookie = response.cookies[settings.CSRF_COOKIE_NAME].value
    assert token and cookie
    # The page's token is valid for this visitor: the language form posts with it.
    checked = Client(enforce_csrf_checks=True)
    checked.cookies[settings.CSRF_COOKIE_NAME] = cookie
    posted = checked.post(
        "/idioma/", {"language": "en", "next": "/cursos/", "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302


def test_language_is_part_of_the_key(client, course):
    assert 'lang="es"' in client.get("/cursos/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/cursos/").content.decode()
    assert 'lang="en"' in english and "Skip to main content" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert 'lang="es"' in client.get("/cursos/").content.decode()


def test_signed_in_users_never_get_the_anonymous_page(client, learner, course):
    staff_only = make_course(title="Reservado al personal", lessons=0, visibility="staff")
    client.get("/cursos/")
    client.get(course.url)
    client.force_login(learner)
    catalogue_html = client.get("/cursos/").content.decode()
    assert staff_only.title in catalogue_html
    course_count, course_html = _queries(client, course.url)
    assert "Inscribirme" in course_html and course_count > 0


def test_search_and_unknown_parameters_are_rendered_not_cached(client, course):
    for url in ["/cursos/?q=interoperabilidad", "/cursos/?utm_source=x", "/cursos/?nivel=<b>"]:
        client.get(url)
        count, _html = _queries(client, url)
        assert count > 0, url


def test_pending_messages_are_shown_not_replaced_by_the_cached_page(client, course):
    client.get(course.url)  # cached without messages
    lesson = course.get_children().first()
    response = client.get(lesson.url, follow=True)  # not enrolled: back with a notice
    assert "Inicie sesión e inscríbase" in response.content.decode()
    # The notice was shown once; the next request is served from the cache again.
    count, html = _queries(client, course.url)
    assert "Inicie sesión e inscríbase" not in html and count == 0


def test_private_pages_are_never_cached(client, course):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(course.url).status_code == 302
    assert client.get(course.url).status_code == 302


def test_making_a_cached_page_private_takes_effect_at_once(client, course):
    client.get(course.url)
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(course.url).status_code == 302


def test_staff_only_course_is_not_found_for_anonymous_visitors(client):
    hidden = make_course(title="Oculto", lessons=0, visibility="staff")
    assert client.get(hidden.url).status_code == 404
    assert client.get(hidden.url).status_code == 404


def test_topic_filter_lists_the_right_courses_from_the_cache(client, course):
    TopicFactory(name="Ciberseguridad", slug="ciberseguridad")
    url = "/cursos/?tema=ciberseguridad"
    client.get(url)
    _count, html = _queries(client, url)
    assert "Interoperabilidad básica" not in html


def test_lesson_body_is_cached_until_the_lesson_is_published_again(client, learner, course):
    from courses.models import LessonPage
    from courses.services import enrolment_create

    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    assert "Contenido de" in client.get(lesson.url).content.decode()

    saved_only = LessonPage.objects.get(pk=lesson.pk)
    saved_only.body = [("rich_text", "<p>Borrador sin publicar</p>")]
    saved_only.save()  # no publication: learners keep the published body
    assert "Borrador sin publicar" not in client.get(lesson.url).content.decode()

    published = LessonPage.objects.get(pk=lesson.pk)
    published.body = [("rich_text", "<p>Texto revisado y publicado</p>")]
    published.save_revision().publish()
    assert "Texto revisado y publicado" in client.get(lesson.url).content.decode()
