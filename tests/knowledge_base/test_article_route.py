"""The article page's cached route (knowledge_base.cache.article_route)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from core.roles import Role
from knowledge_base.models import ArticlePage

from .factories import knowledge_index, make_article, make_system
from .test_pages import _populate

pytestmark = pytest.mark.django_db

# What an article costs once its route is cached: the session's user, the article's systems,
# their view restrictions, the courses that teach them, its keeper, attachments and tags.
# Wagtail's own routing (site, the walk from the home page, two privacy queries) is not in it.
ARTICLE_QUERIES = 8


@pytest.mark.parametrize("size", [1, 4])
def test_article_runs_few_queries_whatever_the_data(
    client, custodian, django_assert_max_num_queries, size
):
    systems = _populate(size, custodian)
    article = ArticlePage.objects.live().filter(systems=systems[-1]).first()
    client.force_login(custodian.user)
    client.get(article.url)  # the route cached
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_a_restriction_added_after_caching_is_enforced(client, custodian, outsider):
    system = make_system(owners=[custodian])
    article = make_article(title="Credenciales de respaldo", systems=[system], owner=custodian)
    client.force_login(outsider.user)
    assert client.get(article.url).status_code == 200  # cached now
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name=Role.CUSTODIAN))
    response = client.get(article.url)
    assert response.status_code in (302, 403)
    assert "Credenciales de respaldo" not in response.content.decode()


def test_an_unpublished_article_is_gone_at_once(client, custodian):
    article = make_article(owner=custodian)
    client.force_login(custodian.user)
    assert client.get(article.url).status_code == 200
    article.unpublish()
    assert client.get(article.url).status_code == 404


def test_a_new_publication_is_served_at_once(client, custodian):
    article = make_article(title="Reinicio del servicio", owner=custodian)
    client.force_login(custodian.user)
    assert "Reinicio del servicio" in client.get(article.url).content.decode()
    article.title = "Reinicio ordenado del servicio"
    article.save_revision().publish()
    assert "Reinicio ordenado del servicio" in client.get(article.url).content.decode()


def test_a_system_page_at_the_same_depth_is_still_served(client, custodian):
    system = make_system(title="Quipux", owners=[custodian])
    client.force_login(custodian.user)
    for _ in range(2):
        response = client.get(system.url)
        assert response.status_code == 200
        assert "Quipux" in response.content.decode()


def test_behind_a_sign_in_restriction_the_route_is_cached_and_anonymous_is_sent_to_sign_in(
    client, custodian, django_assert_max_num_queries
):
    article = make_article(owner=custodian)
    PageViewRestriction.objects.create(
        page=knowledge_index(), restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(custodian.user)
    assert client.get(article.url).status_code == 200  # cached now
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        assert client.get(article.url).status_code == 200
    client.logout()
    response = client.get(article.url)
    assert response.status_code == 302
    assert "/cuentas/" in response.url or "login" in response.url or "next=" in response.url
