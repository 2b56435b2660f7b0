"""A course approved with a go-live date is published by beat's `publish_scheduled` task."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.tasks import publish_scheduled
from courses.models import CoursePage

from .factories import make_course

pytestmark = pytest.mark.django_db


def test_beat_runs_publish_scheduled():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "core.tasks.publish_scheduled" in entries


def _schedule(title: str, go_live) -> CoursePage:
    course = CoursePage.objects.get(pk=make_course(title=title, lessons=0, live=False).pk)
    course.go_live_at = go_live
    course.save_revision(approved_go_live_at=go_live)  # what approving a scheduled draft does
    return course


def test_course_scheduled_in_the_past_goes_live_when_the_task_runs(client):
    now = timezone.now()
    due = _schedule("Programado", now - timedelta(minutes=1))
    later = _schedule("Mañana", now + timedelta(days=1))
    assert not CoursePage.objects.get(pk=due.pk).live

    publish_scheduled.delay()
    published = CoursePage.objects.get(pk=due.pk)
    assert published.live
    assert client.get(published.url).status_code == 200
    assert not CoursePage.objects.get(pk=later.pk).live
    publish_scheduled.delay()  # a second run changes nothing
    assert CoursePage.objects.get(pk=due.pk).live
    assert not CoursePage.objects.get(pk=later.pk).live
