"""The article page: its cost does not grow with what the article links to, its body is
rendered once per content, and restricted systems stay hidden."""

import uuid
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from core.roles import Role
from knowledge_base import cache as kb_cache
from knowledge_base.models import ArticleAttachment, ArticlePage

from .factories import make_article, make_profile, make_system, publish

pytestmark = pytest.mark.django_db

MAX_QUERIES = 18


def _article_linking(size, *, owner, reviewer, course_factory):
    systems = [
        make_system(owners=[owner], courses=[course_factory(title=f"Curso {size}-{i}")])
        for i in range(size)
    ]
    article = make_article(
        systems=systems, owner=owner, tags=[f"etiqueta-{size}-{i}" for i in range(size)]
    )
    for i in range(size):
        document = Document.objects.create(
            title=f"Anexo {size}-{i}", file=ContentFile(b"x", name=f"anexo-{i}.pdf")
        )
        ArticleAttachment.objects.create(article=article, document=document, sort_order=i)
    ArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=timezone.now(), last_reviewed_by=reviewer.user
    )
    return article


def _queries_for(client, url):
    client.get(url)  # warm caches (site root paths, content types, rendered body)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_article_page_queries_do_not_grow_with_links(
    client, custodian, reviewer, outsider, course_factory
):
    small = _article_linking(1, owner=custodian, reviewer=reviewer, course_factory=course_factory)
    large = _article_linking(5, owner=custodian, reviewer=reviewer, course_factory=course_factory)
    # A learner who keeps no system: every branch of "may mark reviewed" is taken.
    client.force_login(outsider.user)
    small_count, _ = _queries_for(client, small.url)
    large_count, html = _queries_for(client, large.url)
    assert large_count == small_count
    assert large_count <= MAX_QUERIES
    for i in range(5):
        assert f"Curso 5-{i}" in html
        assert f"Anexo 5-{i}" in html
        assert f"etiqueta-5-{i}" in html
    assert custodian.user.get_full_name() in html
    assert reviewer.user.get_full_name() in html


def test_body_is_rendered_once_and_follows_each_publication(client, custodian):
    marker = uuid.uuid4().hex
    article = make_article(body=f"## Antes\n\nTexto {marker}.", owner=custodian)
    client.force_login(custodian.user)
    with mock.patch.object(kb_cache, "render_markdown", wraps=kb_cache.render_markdown) as render:
        first = client.get(article.url).content.decode()
        second = client.get(article.url).content.decode()
        assert render.call_count == 1
        for html in (first, second):
            assert f"Texto {marker}." in html and 'href="#antes"' in html

        article.body = f"## Después\n\nTexto nuevo {marker}."
        publish(article)
        html = client.get(article.url).content.decode()
    assert render.call_count == 2
    assert f"Texto nuevo {marker}." in html and 'href="#despues"' in html
    assert 'href="#antes"' not in html


def test_renderer_change_retires_cached_bodies():
    body = "## Uno\n\nTexto."
    before = kb_cache.rendered_key(body)
    with mock.patch.object(kb_cache, "RENDERER_VERSION", "otra"):
        assert kb_cache.rendered_key(body) != before
    assert kb_cache.rendered_key(body + " ") != before


def test_restricted_system_hidden_but_its_keepers_may_mark_reviewed(
    client, custodian, outsider, course_factory
):
    keeper = make_profile(Role.LEARNER)  # a backup outside the custodians' group
    secret = make_system(
        title="Bóveda de claves",
        owners=[custodian],
        backups=[keeper],
        courses=[course_factory(title="Curso de la bóveda")],
    )
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name=Role.CUSTODIAN))
    open_system = make_system(title="Mesa de ayuda")
    article = make_article(systems=[secret, open_system])
    mark_url = reverse("knowledge_base:mark_reviewed", args=[article.pk])

    client.force_login(outsider.user)
    html = client.get(article.url).content.decode()
    assert "Mesa de ayuda" in html
    assert "Bóveda de claves" not in html and "Curso de la bóveda" not in html
    assert mark_url not in html

    client.force_login(keeper.user)
    html = client.get(article.url).content.decode()
    assert "Bóveda de claves" not in html
    assert mark_url in html

    client.force_login(custodian.user)
    html = client.get(article.url).content.decode()
    assert "Bóveda de claves" in html and "Curso de la bóveda" in html
    assert mark_url in html
