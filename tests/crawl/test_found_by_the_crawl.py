"""The 5xx the crawl found, each pinned by a fast test that runs in every suite."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

from core.wagtail_hooks import initials_avatar_url
from knowledge_base import selectors
from tests.courses.factories import make_course
from tests.knowledge_base.factories import make_system

pytestmark = pytest.mark.django_db


def test_the_avatar_of_a_deleted_user_in_a_history_is_drawn_without_writing():
    # Wagtail's history shows log entries of deleted users as unsaved users (no pk).
    ghost = get_user_model()(first_name="Ana", last_name="Ruiz")
    url = initials_avatar_url(ghost, 50)
    assert url.startswith("data:image/svg+xml")
    assert "AR" in url
    assert not UserProfile.objects.exists()


def test_a_system_loaded_from_a_revision_lists_its_live_courses(make_user):
    course = make_course(title="Bases de datos")
    system = make_system(courses=[course])
    draft = system.get_latest_revision_as_object()  # related courses in a FakeQuerySet
    detail = selectors.system_detail(system=draft, user=make_user())
    assert [c.pk for c in detail["courses"]] == [course.pk]
