"""Input no page can use is refused before it reaches a view: NUL characters (PostgreSQL cannot
store or compare them) and URL integers beyond the database's range."""

import pytest
from django.urls import reverse

from core.params import MAX_DB_INTEGER, parse_id, search_words
from core.roles import Role

pytestmark = pytest.mark.django_db

NUL_GETS = [
    "/cursos/?q=da\x00tos",
    "/cursos/?tema=\x00",
    "/conocimiento/buscar/?q=respaldo\x00",
    "/conocimiento/buscar/?sistema=1\x00",
    "/talento-humano/personal/?q=\x00",
    "/talento-humano/api/personal?q=\x00",
    "/certificados/gestion/?q=\x00",
    "/verificar/?codigo=\x00",
    "/admin/pages/search/?q=\x00",
    "/cursos/?q\x00=datos",
]


@pytest.mark.parametrize("url", NUL_GETS)
def test_nul_in_a_query_string_is_a_spanish_400(client, make_user, url):
    client.force_login(make_user(Role.LEARNER))
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Solicitud no válida" in page
    assert "caracteres que no se pueden procesar" in page


def test_nul_in_a_form_is_refused_and_changes_nothing(client, make_user):
    user = make_user(Role.LEARNER)
    client.force_login(user)
    response = client.post(reverse("core:set_language"), {"language": "en\x00", "next": "/"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language != "en"
    response = client.post(
        reverse("knowledge_base:handover_list"), {"profile": "1", "note": "a\x00b"}
    )
    assert response.status_code == 400


def test_nul_in_the_path_is_a_400(client):
    assert client.get("/cursos/da%00tos/").status_code == 400


def test_clean_input_passes(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/cursos/?q=datos").status_code == 200


@pytest.mark.parametrize("number", [2**63, 2**64, 10**30])
def test_url_integers_beyond_the_database_are_a_404(client, make_user, number):
    client.force_login(make_user(Role.LEARNER, Role.TRAINER))
    assert client.get(f"/cursos/informes/{number}/").status_code == 404
    assert client.get(f"/conocimiento/traspasos/{number}/").status_code == 404
    assert client.post(f"/cursos/lecciones/{number}/completar/").status_code == 404


def test_the_largest_database_integer_is_just_not_found(client, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get(f"/conocimiento/traspasos/{MAX_DB_INTEGER}/").status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("²", None),
        ("١٢", None),
        (str(MAX_DB_INTEGER), MAX_DB_INTEGER),
        (str(MAX_DB_INTEGER + 1), None),
        ("9" * 40, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_search_words_drop_backend_syntax():
    assert search_words('"Datos" AND (abiertos)* -x:y') == "datos and abiertos x y"
