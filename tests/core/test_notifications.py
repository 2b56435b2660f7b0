from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.models import NotificationLog
from core.notifications import (
    LEASE,
    notification_channel,
    notification_deliver,
    notification_send,
    notifications_digest_send,
    notifications_send_due,
)
from core.roles import Role

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "t/note_subject.txt": "{% load i18n %}{% translate 'Hello' %} {{ name }}",
    "t/note_body.txt": "{% autoescape off %}Note for {{ name }}: {{ text }}{% endautoescape %}",
    "t/item_subject.txt": "Item {{ n }}",
    "t/item_body.txt": "- report {{ n }}",
    "t/item_digest_subject.txt": "{{ count }} reports",
    "t/item_digest_body.txt": "{% for item in items %}{{ item }}\n{% endfor %}",
}


@pytest.fixture(autouse=True)
def _templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
        }
    ]


def _note(recipient, n: int, **kwargs):
    return notification_send(
        kind="test.note",
        key=f"test.note:{n}",
        recipient=recipient,
        template="t/note",
        context={"name": recipient.first_name, "text": f"message {n}"},
        **kwargs,
    )


def test_recorded_in_the_transaction_and_sent_after_commit(
    make_user, django_capture_on_commit_callbacks
):
    person = make_user(Role.LEARNER, first_name="Ana", language="en")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = _note(person, 1)
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject == "Hello Ana"
    assert mail.outbox[0].body == "Note for Ana: message 1"
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and row.channel == "email"
    assert row.kind == "test.note" and row.recipient == person


def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    make_user, django_capture_on_commit_callbacks
):
    person = make_user(Role.LEARNER)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _note(person, 1)
        raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert not NotificationLog.objects.exists()
    assert notifications_send_due() == 0
    assert mail.outbox == []


def test_the_same_key_is_recorded_and_sent_once(make_user, django_capture_on_commit_callbacks):
    person = make_user(Role.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        assert _note(person, 1) is not None
        assert _note(person, 1) is None
    assert NotificationLog.objects.count() == 1
    assert len(mail.outbox) == 1
    assert notifications_send_due() == 0


def test_an_smtp_failure_on_the_second_of_three_is_retried_with_backoff_and_sent_once(
    make_user, flaky_smtp, django_capture_on_commit_callbacks
):
    flaky_smtp({2})
    people = [make_user(Role.LEARNER) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for n, person in enumerate(people):
            _note(person, n)
    assert [m.to[0] for m in mail.outbox] == [people[0].email, people[2].email]
    failed = NotificationLog.objects.get(recipient=people[1])
    assert failed.sent_at is None and failed.attempts == 1
    assert "Connection unexpectedly closed" in failed.last_error
    assert failed.next_attempt_at > timezone.now()
    assert notifications_send_due() == 0  # not before its backoff
    with time_machine.travel(failed.next_attempt_at + timedelta(seconds=1)):
        assert notifications_send_due() == 1
        assert notifications_send_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert not NotificationLog.objects.filter(sent_at__isnull=True).exists()
    failed.refresh_from_db()
    assert failed.attempts == 2 and failed.last_error == ""


def test_the_backoff_grows_and_the_row_is_never_given_up(make_user, flaky_smtp):
    flaky_smtp(set(range(1, 30)))
    row = _note(make_user(Role.LEARNER), 1)
    delays = []
    now = timezone.now()
    for _ in range(9):
        assert notification_deliver(notification_id=row.pk, now=now) is False
        row.refresh_from_db()
        delays.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert delays[1] == 2 * delays[0] and delays[-1] == timedelta(hours=1)
    assert row.sent_at is None and row.attempts == 9
    flaky_smtp(set())
    assert notification_deliver(notification_id=row.pk, now=now) is True


def test_a_row_claimed_by_another_worker_is_not_sent_until_its_lease_expires(make_user):
    row = _note(make_user(Role.LEARNER), 1)
    now = timezone.now()
    NotificationLog.objects.filter(pk=row.pk).update(claimed_until=now + LEASE)
    assert notification_deliver(notification_id=row.pk, now=now) is False
    assert notifications_send_due(now=now) == 0
    assert mail.outbox == []
    # The worker died (after or before its SMTP send): the lease expires, the row is sent.
    assert notifications_send_due(now=now + LEASE + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


def test_a_manager_with_ten_reports_gets_one_digest_and_a_second_run_sends_nothing(make_user):
    manager = make_user(Role.LEARNER)
    other = make_user(Role.LEARNER)
    for n in range(10):
        notification_send(
            kind="test.item",
            key=f"test.item:{n}",
            recipient=manager,
            template="t/item",
            context={"n": n},
            digest=True,
        )
    notification_send(
        kind="test.item",
        key="other",
        recipient=other,
        template="t/item",
        context={"n": 99},
        digest=True,
    )
    assert notifications_send_due() == 0  # digest rows wait for the digest
    assert notifications_digest_send() == 2
    mine = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(mine) == 1
    assert mine[0].subject == "10 reports"
    assert mine[0].body.splitlines() == [f"- report {n}" for n in range(10)]
    assert notifications_digest_send() == 0
    assert len(mail.outbox) == 2
    assert NotificationLog.objects.filter(sent_at__isnull=True).count() == 0


def test_a_failed_digest_is_retried_whole_and_sent_once(make_user, flaky_smtp):
    flaky_smtp({1})
    manager = make_user(Role.LEARNER)
    for n in range(3):
        notification_send(
            kind="test.item",
            key=f"i{n}",
            recipient=manager,
            template="t/item",
            context={"n": n},
            digest=True,
        )
    assert notifications_digest_send() == 0
    assert mail.outbox == []
    later = NotificationLog.objects.first().next_attempt_at + timedelta(seconds=1)
    assert notifications_digest_send(now=later) == 1
    assert notifications_digest_send(now=later) == 0
    assert len(mail.outbox) == 1 and len(mail.outbox[0].body.splitlines()) == 3


def test_site_channel_rows_are_not_emailed(make_user, django_capture_on_commit_callbacks):
    person = make_user(Role.LEARNER)
    assert notification_channel(recipient=person, kind="test.note") == "email"
    with django_capture_on_commit_callbacks(execute=True):
        _note(person, 1, channel=NotificationLog.Channel.SITE)
    assert notifications_send_due() == 0
    assert mail.outbox == []
    assert NotificationLog.objects.get().body == f"Note for {person.first_name}: message 1"


def test_the_command_sends_what_is_due(make_user, capsys):
    person = make_user(Role.LEARNER)
    _note(person, 1)  # recorded, never enqueued (no commit in this test: like a broker outage)
    call_command("send_notifications")
    assert "1 e-mail(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
