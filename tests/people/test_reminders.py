from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import NotificationLog
from core.notifications import notifications_send_due
from core.roles import Role
from courses.models import Enrolment
from people.reminders import hr_digest_send, reminders_send
from tests.people.factories import StaffFactory, complete, make_course, make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course("Seguridad de la información", validity_months=12)


def test_expiry_reminders_30_7_0_once_each_with_manager_digest(
    tree, course, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    manager = StaffFactory(unit=tree["dir-a"])
    person = StaffFactory(unit=tree["dir-a"], manager=manager)
    expires = today + timedelta(days=30)
    complete(person, course, expires - relativedelta(months=12))
    complete(manager, course, today - relativedelta(months=1))
    make_requirement(course, unit=tree["dir-a"])

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=day)

    assert run(today) == 1
    assert [m.to for m in mail.outbox] == [[person.user.email], [manager.user.email]]
    assert "30" in mail.outbox[0].subject
    assert "/cursos/" in mail.outbox[0].body
    assert person.user.get_full_name() in mail.outbox[1].body
    assert run(today) == 0  # de-duplicated
    assert run(today + timedelta(days=1)) == 0  # still the 30-day reminder
    assert run(expires - timedelta(days=7)) == 1
    assert run(expires) == 1
    assert run(expires) == 0
    assert len(mail.outbox) == 6
    kinds = sorted(
        NotificationLog.objects.filter(recipient=person.user).values_list("kind", flat=True)
    )
    assert kinds == ["people.expiry_0", "people.expiry_30", "people.expiry_7"]
    assert not NotificationLog.objects.filter(sent_at__isnull=True).exists()


def _overdue(tree, course, n, manager=None):
    today = timezone.localdate()
    people = [StaffFactory(unit=tree["dir-a"], manager=manager) for _ in range(n)]
    for person in people:
        Enrolment.objects.create(
            learner=person.user,
            course=course,
            source="assigned",
            due_date=today - timedelta(days=2),
        )
    return people


def test_smtp_failure_on_the_second_of_three_reminders_all_delivered_once_after_retry(
    tree, course, flaky_smtp, django_capture_on_commit_callbacks
):
    flaky_smtp({2})
    make_requirement(course, unit=tree["dir-a"])
    people = _overdue(tree, course, 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 3
    assert len(mail.outbox) == 2
    failed = NotificationLog.objects.get(sent_at__isnull=True)
    assert "Connection unexpectedly closed" in failed.last_error
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 0  # the job again: nothing recorded, nothing sent
    assert len(mail.outbox) == 2
    with time_machine.travel(failed.next_attempt_at + timedelta(seconds=1)):
        assert notifications_send_due() == 1
        assert notifications_send_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people)


def test_a_manager_with_ten_overdue_reports_gets_one_digest(
    tree, course, django_capture_on_commit_callbacks
):
    manager = StaffFactory(unit=tree["dir-b"])  # outside the requirement's scope
    make_requirement(course, unit=tree["dir-a"])
    reports = _overdue(tree, course, 10, manager=manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 10
    to_manager = [m for m in mail.outbox if m.to == [manager.user.email]]
    assert len(to_manager) == 1
    digest = to_manager[0]
    assert "10" in digest.subject
    for report in reports:
        assert report.user.get_full_name() in digest.body
    assert len(mail.outbox) == 11  # ten learners, one manager
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 0
    assert len(mail.outbox) == 11


def test_overdue_reminder_weekly_in_learner_language(
    tree, course, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"])
    person.user.language = "en"
    person.user.save()
    make_requirement(course, unit=tree["dir-a"])
    Enrolment.objects.create(
        learner=person.user, course=course, source="assigned", due_date=today - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=today) == 1
        assert reminders_send(today=today) == 0
    assert mail.outbox[0].subject.startswith("Required training overdue")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=today + timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_spanish_is_the_default_language(tree, course, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"])
    person.user.language = ""
    person.user.save()
    make_requirement(course, unit=tree["dir-a"])
    Enrolment.objects.create(
        learner=person.user, course=course, source="assigned", due_date=today - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=today)
    assert "vencida" in mail.outbox[0].subject.lower()


def test_weekly_digest_once_per_week(tree, course, make_user, django_capture_on_commit_callbacks):
    make_requirement(course)
    StaffFactory(unit=tree["dir-a"])
    officer = make_user(Role.HR)
    with django_capture_on_commit_callbacks(execute=True):
        assert hr_digest_send() == 1
        assert hr_digest_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    assert course.title in mail.outbox[0].body


def test_command_runs_the_daily_job(tree, course, capsys):
    person = StaffFactory(unit=tree["dir-a"])
    make_requirement(course, unit=tree["dir-a"])
    call_command("send_reminders", "--digest")
    assert Enrolment.objects.filter(learner=person.user, source="assigned").exists()
    assert "Enrolled 1" in capsys.readouterr().out
