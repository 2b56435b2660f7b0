from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from courses.models import Enrolment
from people.models import ReminderLog
from people.reminders import hr_digest_send, reminders_send
from tests.people.factories import StaffFactory, complete, make_course, make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course("Seguridad de la información", validity_months=12)


def test_expiry_reminders_30_7_0_once_each_with_manager_copy(tree, course):
    today = timezone.localdate()
    manager = StaffFactory(unit=tree["dir-a"])
    person = StaffFactory(unit=tree["dir-a"], manager=manager)
    expires = today + timedelta(days=30)
    complete(person, course, expires - relativedelta(months=12))
    complete(manager, course, today - relativedelta(months=1))
    make_requirement(course, unit=tree["dir-a"])
    assert reminders_send(today=today) == 1
    assert [m.to for m in mail.outbox] == [[person.user.email], [manager.user.email]]
    assert "30" in mail.outbox[0].subject
    assert "/cursos/" in mail.outbox[0].body
    assert reminders_send(today=today) == 0  # de-duplicated
    assert reminders_send(today=today + timedelta(days=1)) == 0  # still the 30-day reminder
    assert reminders_send(today=expires - timedelta(days=7)) == 1
    assert reminders_send(today=expires) == 1
    assert reminders_send(today=expires) == 0
    kinds = sorted(ReminderLog.objects.values_list("kind", flat=True))
    assert kinds == ["expiry_0", "expiry_30", "expiry_7"]


def test_overdue_reminder_weekly_in_learner_language(tree, course):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"])
    person.user.language = "en"
    person.user.save()
    make_requirement(course, unit=tree["dir-a"])
    Enrolment.objects.create(
        learner=person.user, course=course, source="assigned", due_date=today - timedelta(days=2)
    )
    assert reminders_send(today=today) == 1
    assert mail.outbox[0].subject.startswith("Required training overdue")
    assert reminders_send(today=today) == 0
    assert reminders_send(today=today + timedelta(days=7)) == 1


def test_spanish_is_the_default_language(tree, course):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"])
    person.user.language = ""
    person.user.save()
    make_requirement(course, unit=tree["dir-a"])
    Enrolment.objects.create(
        learner=person.user, course=course, source="assigned", due_date=today - timedelta(days=2)
    )
    reminders_send(today=today)
    assert "vencida" in mail.outbox[0].subject.lower()


def test_weekly_digest_once_per_week(tree, course, make_user):
    make_requirement(course)
    StaffFactory(unit=tree["dir-a"])
    officer = make_user(Role.HR)
    assert hr_digest_send() == 1
    assert mail.outbox[0].to == [officer.email]
    assert course.title in mail.outbox[0].body
    assert hr_digest_send() == 0


def test_command_runs_the_daily_job(tree, course, capsys):
    person = StaffFactory(unit=tree["dir-a"])
    make_requirement(course, unit=tree["dir-a"])
    call_command("send_reminders", "--digest")
    assert Enrolment.objects.filter(learner=person.user, source="assigned").exists()
    assert "Enrolled 1" in capsys.readouterr().out
