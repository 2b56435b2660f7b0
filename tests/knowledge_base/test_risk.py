from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from knowledge_base.selectors import experts_directory, knowledge_map, what_if_leaves
from people.models import StaffProfile

from .factories import make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


def test_knowledge_sources_and_bus_factor(custodian, reviewer):
    backup = make_profile(Role.LEARNER)
    author = make_profile(Role.CUSTODIAN)
    gone = make_profile(Role.CUSTODIAN, status=StaffProfile.Status.LEFT)
    system = make_system(title="Bus", owners=[custodian, gone], backups=[backup])
    article = make_article(systems=[system], kind="runbook", user=author.user)
    from knowledge_base.services import article_mark_reviewed

    article_mark_reviewed(article_id=article.pk, user=reviewer.user)
    row = knowledge_map(system_ids=[system.pk]).rows[0]
    assert set(row.knowers) == {custodian.user.pk, backup.user.pk, author.user.pk, reviewer.user.pk}
    assert row.knowers[custodian.user.pk] == {"owner"}
    assert row.knowers[author.user.pk] == {"author"}
    assert row.bus_factor == 4 and not row.at_risk
    assert row.missing_essentials == ["Decisión de arquitectura"]


def test_certificate_holders_count_when_certificates_exist(course_factory):
    certificates = pytest.importorskip(
        "certificates.selectors", reason="certificates not merged yet"
    )
    assert hasattr(certificates, "valid_certificates")


def test_at_risk_systems_come_first_with_stale_share():
    a, b, c = (make_profile(Role.CUSTODIAN) for _ in range(3))
    safe = make_system(title="Seguro", owners=[a, b])
    risky = make_system(title="Riesgoso", owners=[c])
    make_article(systems=[risky], stale=True)
    make_article(systems=[risky])
    rows = knowledge_map(system_ids=[safe.pk, risky.pk]).rows
    assert [r.title for r in rows] == ["Riesgoso", "Seguro"]
    assert rows[0].at_risk and rows[0].stale_percent == 50
    assert set(rows[0].missing_essentials) == {"Decisión de arquitectura"}


def test_what_if_someone_leaves():
    a, b, c = (make_profile(Role.CUSTODIAN) for _ in range(3))
    two = make_system(title="Dos", owners=[a, b])
    three = make_system(title="Tres", owners=[a, b, c])
    one = make_system(title="Uno", owners=[a])
    result = what_if_leaves(
        user_id=a.user_id, kmap=knowledge_map(system_ids=[two.pk, three.pk, one.pk])
    )
    assert [row.title for row, _n in result["would_fall"]] == ["Dos"]
    assert [row.title for row, _n in result["already_at_risk"]] == ["Uno"]


def test_risk_page_and_what_if_view(client, custodian):
    second = make_profile(Role.CUSTODIAN)
    make_system(title="Portal de datos abiertos", owners=[custodian, second])
    client.force_login(custodian.user)
    html = client.get(reverse("knowledge_base:risk")).content.decode()
    assert "Portal de datos abiertos" in html and "Cubierto" in html
    html = client.get(
        reverse("knowledge_base:what_if"), {"persona": second.user_id}
    ).content.decode()
    assert "Portal de datos abiertos" in html


def test_learners_cannot_see_risk(client, outsider):
    client.force_login(outsider.user)
    assert client.get(reverse("knowledge_base:risk")).status_code == 403
    assert client.get(reverse("knowledge_base:what_if")).status_code == 403


@pytest.mark.parametrize("size", [1, 5])
def test_risk_page_bounded_queries(client, custodian, django_assert_max_num_queries, size):
    for n in range(size):
        people = [make_profile(Role.CUSTODIAN) for _ in range(2)]
        system = make_system(owners=people[:1], backups=people[1:])
        make_article(systems=[system], stale=bool(n % 2), user=people[0].user)
    client.force_login(custodian.user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("knowledge_base:risk")).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            client.get(
                reverse("knowledge_base:what_if"), {"persona": custodian.user_id}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("knowledge_base:experts")).status_code == 200


def test_expertise_directory_searchable_without_accents(client, custodian, outsider):
    make_system(title="Firma electrónica", owners=[custodian])
    make_article(owner=custodian, tags=["criptografía"])
    experts = experts_directory(query="electronica")
    assert [e.person.user_id for e in experts] == [custodian.user_id]
    assert experts_directory(query="criptografia")[0].person.user_id == custodian.user_id
    client.force_login(outsider.user)
    html = client.get(reverse("knowledge_base:experts"), {"q": "firma"}).content.decode()
    assert custodian.user.get_full_name() in html


def test_expertise_directory_requires_sign_in(client):
    assert client.get(reverse("knowledge_base:experts")).status_code == 302


def test_old_authorship_does_not_count():
    old_author = make_profile(Role.CUSTODIAN)
    system = make_system()
    make_article(systems=[system], user=old_author.user)
    from wagtail.models import Revision

    Revision.objects.all().update(created_at=timezone.now() - timedelta(days=800))
    assert old_author.user_id not in knowledge_map(system_ids=[system.pk]).rows[0].knowers
