from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from core.roles import Role
from knowledge_base.models import ArticlePage

from .factories import make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


def test_knowledge_index_is_served_at_conocimiento(client, custodian):
    make_system(title="Quipux", owners=[custodian])
    client.force_login(custodian.user)
    response = client.get("/conocimiento/")
    assert response.status_code == 200
    assert "Quipux" in response.content.decode()


def test_article_page_shows_markdown_toc_review_stamp_and_systems(client, custodian, reviewer):
    system = make_system(title="Apostilla virtual", acronym="APV", owners=[custodian])
    article = make_article(
        title="Reinicio del servicio",
        body="## Preparación\n\nTexto.\n\n## Reinicio\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        systems=[system],
        owner=custodian,
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=timezone.now(), last_reviewed_by=reviewer.user
    )
    client.force_login(custodian.user)
    html = client.get(article.url).content.decode()
    assert 'href="#preparacion"' in html  # table of contents
    assert "<table>" in html
    assert reviewer.user.get_full_name() in html  # who last verified it
    assert "Apostilla virtual (APV)" in html
    assert 'data-kb="next-review"' in html
    assert 'data-kb="stale-banner"' not in html


def test_stale_article_shows_banner(client, custodian):
    article = make_article(owner=custodian, stale=True)
    client.force_login(custodian.user)
    html = client.get(article.url).content.decode()
    assert 'data-kb="stale-banner"' in html


def test_new_article_due_one_interval_after_publication():
    article = make_article(review_interval_days=90)
    assert article.review_due_on == timezone.localdate() + timedelta(days=90)


def test_drafts_are_not_served(client, custodian):
    article = make_article(owner=custodian)
    article.unpublish()
    client.force_login(custodian.user)
    assert client.get(article.url).status_code == 404


def test_restricted_article_invisible_to_those_without_access(client, custodian, outsider):
    from django.contrib.auth.models import Group

    system = make_system(owners=[custodian])
    secret = make_article(title="Credenciales de respaldo", systems=[system], owner=custodian)
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name=Role.CUSTODIAN))

    client.force_login(outsider.user)
    response = client.get(secret.url)
    assert response.status_code in (302, 403)
    assert "Credenciales de respaldo" not in client.get(system.url).content.decode()
    assert "Credenciales de respaldo" not in client.get("/conocimiento/").content.decode()

    client.force_login(custodian.user)
    assert client.get(secret.url).status_code == 200
    assert "Credenciales de respaldo" in client.get(system.url).content.decode()


def test_system_page_lists_people_and_articles(client, custodian):
    backup = make_profile(Role.LEARNER)
    system = make_system(
        title="Bus de Servicios Gubernamentales", owners=[custodian], backups=[backup]
    )
    make_article(title="Alta de un nuevo servicio", systems=[system])
    client.force_login(custodian.user)
    html = client.get(system.url).content.decode()
    assert custodian.user.get_full_name() in html
    assert backup.user.get_full_name() in html
    assert "Alta de un nuevo servicio" in html
    assert 'data-kb="system-risk"' in html


def _populate(n, owner):
    systems = [make_system(owners=[owner]) for _ in range(n)]
    for system in systems:
        for _ in range(n):
            make_article(systems=[*systems[:2], system], owner=owner, tags=["redes", "respaldo"])
    return systems


@pytest.mark.parametrize("size", [1, 4])
def test_article_and_system_pages_run_bounded_queries(
    client, custodian, django_assert_max_num_queries, size
):
    systems = _populate(size, custodian)
    article = ArticlePage.objects.live().filter(systems=systems[-1]).first()
    client.force_login(custodian.user)
    client.get(article.url)  # warm caches (site root paths, content types)
    with django_assert_max_num_queries(30):
        assert client.get(article.url).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(systems[-1].url).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/conocimiento/").status_code == 200
