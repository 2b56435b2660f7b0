import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage, Topic

from .factories import TopicFactory, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # A Redis shared by parallel test workers is cleared by their fixtures at any moment:
    # cache behaviour is asserted on a process-local cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def courses():
    security = TopicFactory(name="Ciberseguridad", slug="ciberseguridad")
    openness = TopicFactory(name="Gobierno abierto", slug="gobierno-abierto")
    return {
        "egsi": make_course(
            title="Seguridad de la información con el EGSI",
            lessons=0,
            topic=security,
            level=CoursePage.Level.INTERMEDIATE,
            summary="Evaluación de riesgos sobre activos de información críticos.",
        ),
        "datos": make_course(
            title="Datos abiertos",
            lessons=0,
            topic=openness,
            level=CoursePage.Level.BASIC,
            summary="Política y guía de datos abiertos.",
        ),
        "staff": make_course(
            title="Procedimientos internos reservados",
            lessons=0,
            topic=security,
            visibility=CoursePage.Visibility.STAFF,
        ),
    }


def _titles(client, query=""):
    return client.get("/cursos/" + query).content.decode()


def test_filter_by_topic(client, courses):
    html = _titles(client, "?tema=gobierno-abierto")
    assert "Datos abiertos" in html and "EGSI" not in html


def test_filter_by_level(client, courses):
    html = _titles(client, "?nivel=intermediate")
    assert "EGSI" in html and "Datos abiertos" not in html


def test_unknown_level_is_ignored(client, courses):
    html = _titles(client, "?nivel=<script>")
    assert "EGSI" in html and "Datos abiertos" in html and "<script>" not in html


def test_search(client, courses):
    html = _titles(client, "?q=riesgos")
    assert "EGSI" in html and "Datos abiertos" not in html


def test_staff_only_hidden_from_anonymous_but_listed_for_staff(client, learner, courses):
    assert "reservados" not in _titles(client)
    client.force_login(learner)
    assert "reservados" in _titles(client)


def test_anonymous_catalogue_is_cached_and_publishing_invalidates_it(client, courses):
    _titles(client)
    with CaptureQueriesContext(connection) as cached:
        html = _titles(client)
    assert "EGSI" in html
    assert not any("courses_coursepage" in q["sql"] for q in cached.captured_queries)

    new = make_course(title="Curso recién publicado", lessons=0)
    assert "Curso recién publicado" in _titles(client)

    new.unpublish()
    assert "Curso recién publicado" not in _titles(client)


def test_topic_rename_invalidates_the_cache(client, courses):
    _titles(client)
    Topic.objects.filter(slug="ciberseguridad").update(name="x")  # no signal: stays cached
    topic = Topic.objects.get(slug="gobierno-abierto")
    topic.name = "Gobierno abierto y transparencia"
    topic.save()
    assert "Gobierno abierto y transparencia" in _titles(client)


def test_anonymous_course_page_is_cached_and_invalidated(client, course):
    client.get(course.url)
    with CaptureQueriesContext(connection) as cached:
        client.get(course.url)
    assert not any("courses_lessonpage" in q["sql"] for q in cached.captured_queries)
    course.summary = "Resumen nuevo y revisado"
    course.save_revision().publish()
    assert "Resumen nuevo y revisado" in client.get(course.url).content.decode()


def test_signed_in_users_do_not_get_the_anonymous_fragment(client, learner, course):
    client.get(course.url)
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert "Inscribirme" in html
    assert "Iniciar sesión para inscribirse" not in html


def test_search_combined_with_a_topic(client, courses):
    html = _titles(client, "?q=datos&tema=gobierno-abierto")
    assert "Datos abiertos" in html and "EGSI" not in html
    html = _titles(client, "?q=datos&tema=ciberseguridad&nivel=basic")
    assert "Datos abiertos" not in html


@pytest.mark.parametrize(
    "query",
    ['?q="', '?q=datos"abiertos', "?q=a OR b*", "?q=NEAR(x)", "?q=(:)", "?q=%27", "?q=-datos"],
)
def test_search_syntax_of_the_backends_is_only_text(client, courses, query):
    response = client.get("/cursos/" + query)
    assert response.status_code == 200


def test_a_quoted_word_still_finds_the_course(client, courses):
    html = _titles(client, '?q="riesgos"')
    assert "EGSI" in html and "Datos abiertos" not in html


def test_huge_numbers_in_the_catalogue_are_not_a_500(client, courses):
    assert client.get("/cursos/?pagina=99999999999999999999999").status_code == 200
    assert client.get(f"/cursos/inscribirse/{2**63}/").status_code in {404, 405}
    assert client.get(f"/cursos/informes/{2**64}/").status_code == 404
