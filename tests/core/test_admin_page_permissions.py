"""The Administrador group edits and previews every page in the Wagtail admin (core migration
0007 grants page permissions at the tree root), not only the catalogue; other roles keep only
the trees their groups were given."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from core.roles import Role
from tests.access.roles import give_mfa, sign_in
from tests.knowledge_base.factories import make_article

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return sign_in(Client(), user)


def test_migration_grants_the_administrators_every_page_action_at_the_root():
    granted = set(
        GroupPagePermission.objects.filter(group__name=Role.ADMIN, page__depth=1).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"} <= granted


def test_administrator_edits_and_previews_the_home_page_and_knowledge_base(make_user):
    admin = make_user(Role.LEARNER, Role.ADMIN)
    give_mfa(admin)
    client = _client(admin)
    home = Page.objects.get(depth=2)
    article = make_article(title="Artículo del administrador")
    for page in (home, article):
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert edit.status_code == 200, page
        preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
        assert preview.status_code == 200, page


def test_a_trainer_still_cannot_edit_the_home_page(make_user):
    trainer = make_user(Role.LEARNER, Role.TRAINER)
    response = _client(trainer).get(
        reverse("wagtailadmin_pages:edit", args=[Page.objects.get(depth=2).pk])
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"  # no permission
