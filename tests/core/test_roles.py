"""A user's roles are cached across requests and forgotten as soon as a membership changes."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role, roles_changed, user_roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # Parallel workers sharing a Redis clear it at any moment: assert on a local cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _fresh(user):
    """The user as the next request loads it (nothing remembered on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_roles_come_from_the_cache_on_the_next_request(learner):
    assert user_roles(_fresh(learner)) == {Role.LEARNER.value}
    fresh = _fresh(learner)
    with CaptureQueriesContext(connection) as queries:
        assert user_roles(fresh) == {Role.LEARNER.value}
    assert len(queries) == 0


def test_a_role_given_or_taken_counts_at_once(learner):
    user_roles(_fresh(learner))
    hr = Group.objects.get(name=Role.HR.value)
    learner.groups.add(hr)
    assert Role.HR.value in user_roles(_fresh(learner))
    hr.user_set.remove(learner)
    assert Role.HR.value not in user_roles(_fresh(learner))
    learner.groups.add(hr)
    user_roles(_fresh(learner))
    learner.groups.clear()
    assert user_roles(_fresh(learner)) == set()


def test_direct_membership_writes_count_after_roles_changed(learner):
    user_roles(_fresh(learner))
    through = get_user_model().groups.through
    through.objects.create(
        user_id=learner.pk, group_id=Group.objects.get(name=Role.TRAINER.value).pk
    )
    roles_changed()
    assert Role.TRAINER.value in user_roles(_fresh(learner))


def test_a_renamed_group_is_not_its_old_role(make_user):
    user = make_user(Role.TRAINER)
    assert Role.TRAINER.value in user_roles(_fresh(user))
    group = Group.objects.get(name=Role.TRAINER.value)
    group.name = "Capacitador (antiguo)"
    group.save()
    assert Role.TRAINER.value not in user_roles(_fresh(user))


def test_the_header_shows_a_new_role_at_once(client, learner):
    client.force_login(learner)
    assert 'data-nav="wagtail-admin"' not in client.get("/mi-aprendizaje/").content.decode()
    learner.groups.add(Group.objects.get(name=Role.TRAINER.value))
    assert 'data-nav="wagtail-admin"' in client.get("/mi-aprendizaje/").content.decode()
