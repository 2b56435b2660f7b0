"""Time limits sized per task, all under the broker's visibility timeout (issue 16)."""

from celery import current_app
from django.conf import settings

import config.celery  # noqa: F401 - registers every app's tasks


def test_every_task_finishes_before_the_broker_would_hand_it_to_another_worker():
    current_app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for name, task in current_app.tasks.items():
        if name.startswith("celery."):
            continue
        limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert limit < visibility, name
        assert (task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT) < limit, name


def test_a_certificate_comes_back_within_a_minute_of_a_lost_worker():
    issue = current_app.tasks["certificates.tasks.issue_certificate"]
    sweep = settings.CELERY_BEAT_SCHEDULE["core-outbox-sweep"]["schedule"]
    assert issue.time_limit + sweep <= 60
