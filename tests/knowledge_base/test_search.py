import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from knowledge_base.models import ArticlePage
from knowledge_base.search import (
    SNIPPET_SCAN,
    clean_query,
    fold,
    highlight,
    query_terms,
    search_knowledge,
)

from .factories import make_article, make_system, publish

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    '"',
    "'",
    "' OR 1=1 --",
    '"respaldo',
    "respaldo AND OR NOT",
    "(configuración",
    "a & b | !c",
    "title:x -y +z ~w *",
    "x" * 5000,
    "😀🔥 respaldo",
    "resp\x00aldo",
    "\x00",
    "<script>alert(1)</script>",
    "%_%",
    "\\",
    "    ",
    "SELECT * FROM wagtailcore_page;",
    "configuración:*",
    "!!!",
    "ñandú",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_query_answers_without_error(client, custodian, query):
    make_article(title="Respaldo de la base", body="## Respaldo\n\nConfiguración diaria.")
    client.force_login(custodian.user)
    response = client.get(reverse("knowledge_base:search"), {"q": query})
    # A NUL character is refused for the whole site (core.middleware.BadInputMiddleware).
    assert response.status_code == (400 if "\x00" in query else 200)


def test_search_requires_sign_in(client):
    response = client.get(reverse("knowledge_base:search"), {"q": "x"})
    assert response.status_code == 302


def test_finds_articles_systems_and_courses(custodian, course_factory):
    system = make_system(title="Quipux", purpose="Gestión documental del ministerio.")
    make_article(title="Firmar oficios en Quipux", systems=[system], body="Pasos para firmar.")
    course_factory(
        title="Quipux para secretarías", summary="Uso de Quipux en la gestión documental."
    )
    hits = search_knowledge(query="Quipux", user=custodian.user)
    kinds = {h.kind for h in hits}
    assert kinds == {"article", "system", "course"}


def test_filters_by_system_kind_and_tag(custodian):
    bus = make_system(title="Bus")
    apostilla = make_system(title="Apostilla")
    a1 = make_article(
        title="Certificados del bus", systems=[bus], kind="runbook", tags=["certificados"]
    )
    a2 = make_article(title="Certificados de apostilla", systems=[apostilla], kind="howto")
    titles = lambda hits: {h.title for h in hits}  # noqa: E731
    assert titles(
        search_knowledge(query="certificados", user=custodian.user, system_id=bus.pk)
    ) == {a1.title}
    assert titles(search_knowledge(query="certificados", user=custodian.user, kind="howto")) == {
        a2.title
    }
    assert titles(
        search_knowledge(query="certificados", user=custodian.user, tag="certificados")
    ) == {a1.title}


def test_stale_article_ranks_below_fresh_and_is_marked(client, custodian):
    body = "## Rotación de certificados\n\nRotación de certificados del bus."
    stale = make_article(title="Rotación de certificados", body=body, stale=True)
    fresh = make_article(title="Rotación de certificados", body=body)
    hits = search_knowledge(query="rotación certificados", user=custodian.user)
    assert [h.page_id for h in hits][:2] == [fresh.pk, stale.pk]
    assert hits[1].stale and not hits[0].stale
    client.force_login(custodian.user)
    html = client.get(reverse("knowledge_base:search"), {"q": "rotación"}).content.decode()
    assert "badge--danger" in html


def test_snippets_escape_content_then_mark_terms():
    snippet = highlight(
        "Use <b>respaldo</b> & configuración", query_terms("respaldos configuracion")
    )
    assert "&lt;b&gt;<mark>respaldo</mark>&lt;/b&gt;" in snippet
    assert "<mark>configuración</mark>" in snippet
    assert "&amp;" in snippet


def test_restricted_and_draft_articles_not_found(custodian, outsider):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    secret = make_article(title="Clave maestra del respaldo")
    restriction = PageViewRestriction.objects.create(page=secret, restriction_type="groups")
    restriction.groups.add(Group.objects.get(name="Custodio de sistema"))
    draft = make_article(title="Borrador del respaldo")
    draft.unpublish()
    assert search_knowledge(query="respaldo", user=outsider.user) == []
    found = {h.page_id for h in search_knowledge(query="respaldo", user=custodian.user)}
    assert found == {secret.pk}


def test_clean_query_caps_length_and_drops_control_characters():
    assert clean_query("a\x00b\x07c") == "a b c"
    assert len(clean_query("x" * 5000)) == 200


def test_results_page_highlights(client, custodian):
    make_article(title="Respaldo diario", body="Se ejecuta el respaldo <b>cada noche</b>.")
    client.force_login(custodian.user)
    html = client.get(reverse("knowledge_base:search"), {"q": "respaldo"}).content.decode()
    assert "<mark>" in html
    assert "<b>cada noche</b>" not in html


@pytest.mark.parametrize("size", [2, 20])
def test_search_page_runs_bounded_queries(client, custodian, django_assert_max_num_queries, size):
    system = make_system()
    for n in range(size):
        make_article(title=f"Respaldo {n}", systems=[system], tags=["respaldo"])
    client.force_login(custodian.user)
    client.get(reverse("knowledge_base:search"), {"q": "respaldo"})
    cache.clear()  # measure the uncached search, not the cached results
    with django_assert_max_num_queries(14):
        response = client.get(reverse("knowledge_base:search"), {"q": "respaldo"})
    assert response.content.decode().count('data-kb-kind="article"') == size


def test_repeated_search_is_served_from_cache(client, custodian, django_assert_max_num_queries):
    make_article(title="Respaldo diario")
    client.force_login(custodian.user)
    first = client.get(reverse("knowledge_base:search"), {"q": "respaldo"}).content.decode()
    with django_assert_max_num_queries(9):
        again = client.get(reverse("knowledge_base:search"), {"q": "respaldo"}).content.decode()
    assert "Respaldo diario" in first and "Respaldo diario" in again


def test_publishing_and_unpublishing_refresh_cached_results(custodian):
    make_article(title="Respaldo diario")
    assert len(search_knowledge(query="respaldo", user=custodian.user)) == 1
    second = make_article(title="Respaldo semanal")
    found = search_knowledge(query="respaldo", user=custodian.user)
    assert {h.title for h in found} == {"Respaldo diario", "Respaldo semanal"}
    second.unpublish()
    assert {h.title for h in search_knowledge(query="respaldo", user=custodian.user)} == {
        "Respaldo diario"
    }


def test_marking_reviewed_refreshes_the_stale_mark(custodian, django_capture_on_commit_callbacks):
    from knowledge_base.services import article_mark_reviewed

    article = make_article(title="Respaldo antiguo", stale=True, owner=custodian)
    assert search_knowledge(query="respaldo", user=custodian.user)[0].stale
    with django_capture_on_commit_callbacks(execute=True):
        article_mark_reviewed(article_id=article.pk, user=custodian.user)
    assert not search_knowledge(query="respaldo", user=custodian.user)[0].stale


def test_snippet_shows_rendered_text_around_the_match_with_its_url(custodian):
    filler = "Texto de relleno sin la palabra buscada. " * 20
    body = f"## Preparación\n\n{filler}\n\n**Rotación** de `claves` cada *mes*.\n\n{filler}"
    article = make_article(title="Guía del bus", body=body)
    [hit] = search_knowledge(query="rotacion", user=custodian.user)
    assert hit.page_id == article.pk and hit.url == article.url
    assert hit.snippet.startswith("…")
    assert "<mark>Rotación</mark> de claves cada mes." in hit.snippet
    assert "**" not in hit.snippet and "`" not in hit.snippet and "##" not in hit.snippet


def test_snippet_of_a_match_beyond_the_scanned_text_is_the_start():
    text = "Inicio del artículo. " + "relleno " * (SNIPPET_SCAN // 8) + "respaldo final"
    snippet = highlight(text, query_terms("respaldo"))
    assert snippet.startswith("Inicio del artículo.") and snippet.endswith("…")
    assert "<mark>" not in snippet


def test_fold_keeps_positions_and_drops_accents():
    text = "Configuración ÑANDÚ İstanbul ﬁn"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "configuracion nandu istanbul ﬁn"


def test_body_text_follows_the_published_revision():
    article = make_article(title="Respaldo", body="Versión **publicada**.")
    assert article.body_text == "Versión publicada."
    article.body = "Versión en *borrador*."
    revision = article.save_revision()
    assert revision.content["body_text"] == "Versión en borrador."
    assert ArticlePage.objects.get(pk=article.pk).body_text == "Versión publicada."
    publish(article)
    assert ArticlePage.objects.get(pk=article.pk).body_text == "Versión en borrador."


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Spanish stemming and unaccent need PostgreSQL"
)


@pytest.mark.postgres
@postgres_only
def test_postgres_accent_insensitive(custodian):
    article = make_article(title="Guía", body="Configuración del servidor de correo.")
    assert article.pk in {
        h.page_id for h in search_knowledge(query="configuracion", user=custodian.user)
    }


@pytest.mark.postgres
@postgres_only
def test_postgres_spanish_stemming(custodian):
    article = make_article(title="Política", body="El respaldo se guarda fuera del edificio.")
    assert article.pk in {
        h.page_id for h in search_knowledge(query="respaldos", user=custodian.user)
    }


@pytest.mark.postgres
@postgres_only
def test_postgres_search_config_is_spanish_unaccent():
    from django.conf import settings

    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "spanish_unaccent"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('spanish_unaccent', 'configuración respaldos')")
        vector = cursor.fetchone()[0]
    assert "configur" in vector and "respald" in vector


def test_accent_insensitive_on_any_backend(custodian):
    article = make_article(title="Configuración de la VPN", body="Pasos de configuración.")
    assert article.pk in {
        h.page_id for h in search_knowledge(query="configuracion", user=custodian.user)
    }
