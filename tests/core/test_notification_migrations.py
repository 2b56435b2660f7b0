"""The data migrations move both ReminderLog tables into NotificationLog with the keys the
code now writes, so a reminder sent before the upgrade is not sent again after it."""

import importlib
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as current_apps
from django.core import mail
from django.utils import timezone

from core.models import NotificationLog
from core.roles import Role

pytestmark = pytest.mark.django_db


class _OldRows:
    def __init__(self, rows):
        self.rows = rows

    def order_by(self, *args):
        return self

    def iterator(self, *args):
        return iter(self.rows)


def _apps_with(label: str, rows):
    """Historical apps as a migration sees them: the old table holds `rows`."""
    old = SimpleNamespace(objects=_OldRows(rows))

    class Apps:
        def get_model(self, app_label, name):
            if name == "ReminderLog":
                return old
            return current_apps.get_model(app_label, name)

    return Apps()


def test_people_reminders_already_sent_are_not_sent_again(
    make_user, django_capture_on_commit_callbacks
):
    from people.reminders import ReminderKind, reminder_key

    migration = importlib.import_module("people.migrations.0004_notifications_replace_reminder_log")
    user = make_user(Role.LEARNER)
    sent_at = timezone.make_aware(datetime(2026, 11, 2, 6, 15))
    rows = [
        SimpleNamespace(
            user_id=user.pk,
            requirement_id=7,
            kind="overdue",
            bucket=date(2026, 11, 2),
            sent_at=sent_at,
        ),
        SimpleNamespace(
            user_id=user.pk,
            requirement_id=None,
            kind="digest",
            bucket=date(2026, 11, 2),
            sent_at=sent_at,
        ),
    ]
    migration.forwards(_apps_with("people", rows), None)
    migrated = NotificationLog.objects.get(kind="people.overdue")
    assert migrated.key == reminder_key(
        kind=ReminderKind.OVERDUE, user_id=user.pk, requirement_id=7, bucket=date(2026, 11, 2)
    )
    assert migrated.sent_at == sent_at and migrated.recipient == user
    assert NotificationLog.objects.get(kind="people.digest").key == reminder_key(
        kind=ReminderKind.DIGEST, user_id=user.pk, requirement_id=None, bucket=date(2026, 11, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        from core.notifications import notifications_send_due

        assert notifications_send_due() == 0
    assert mail.outbox == []


def test_knowledge_base_reminders_keep_their_keys(
    custodian_article, django_capture_on_commit_callbacks
):
    from knowledge_base.services import _period, review_reminders_send

    custodian, article = custodian_article
    migration = importlib.import_module(
        "knowledge_base.migrations.0005_notifications_replace_reminder_log"
    )
    today = timezone.localdate()
    rows = [
        SimpleNamespace(
            kind="review",
            object_key=f"article:{article.pk}",
            recipient_id=custodian.user_id,
            period=_period(today),
            sent_at=timezone.now() - timedelta(days=1),
        )
    ]
    migration.forwards(_apps_with("knowledge_base", rows), None)
    assert NotificationLog.objects.get().digest is True
    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_send(today=today) == 0  # sent before the upgrade
    assert mail.outbox == []


@pytest.fixture
def custodian_article(db):
    from tests.knowledge_base.factories import make_article, make_profile

    custodian = make_profile(Role.CUSTODIAN)
    return custodian, make_article(owner=custodian, stale=True)
