from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from courses.models import Enrolment
from people import selectors
from people.models import StaffProfile
from people.selectors import Compliance
from people.services import recertification_run, requirements_assign
from tests.people.factories import StaffFactory, complete, make_course, make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(validity_months=12)


def statuses(requirement):
    return dict(selectors.compliance_queryset(requirement).values_list("employee_id", "compliance"))


def test_each_compliance_state(tree, course):
    today = timezone.localdate()
    unit = tree["dir-a"]
    compliant = StaffFactory(unit=unit, employee_id="c")
    expiring = StaffFactory(unit=unit, employee_id="e")
    expired = StaffFactory(unit=unit, employee_id="x")
    pending = StaffFactory(unit=unit, employee_id="p")
    overdue = StaffFactory(unit=unit, employee_id="o")
    StaffFactory(unit=tree["dir-b"], employee_id="outside")
    complete(compliant, course, today - relativedelta(months=2))
    complete(expiring, course, today - relativedelta(months=12) + timedelta(days=10))
    complete(expired, course, today - relativedelta(months=13))
    requirement = make_requirement(course, unit=tree["sub"])
    Enrolment.objects.create(
        learner=pending.user, course=course, source="assigned", due_date=today + timedelta(days=5)
    )
    Enrolment.objects.create(
        learner=overdue.user, course=course, source="assigned", due_date=today - timedelta(days=1)
    )
    assert statuses(requirement) == {
        "c": Compliance.COMPLIANT,
        "e": Compliance.EXPIRING,
        "x": Compliance.EXPIRED,
        "p": Compliance.PENDING,
        "o": Compliance.OVERDUE,
    }
    totals = selectors.compliance_totals(requirement, StaffProfile.objects.all())
    assert totals["total"] == 5
    assert totals["valid"] == 2
    assert totals["percent"] == 40


def test_expiring_window_is_a_setting(tree, course, settings):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"], employee_id="e")
    complete(person, course, today - relativedelta(months=12) + timedelta(days=20))
    requirement = make_requirement(course, unit=tree["dir-a"])
    settings.COMPLIANCE_EXPIRING_WINDOW_DAYS = 30
    assert statuses(requirement) == {"e": Compliance.EXPIRING}
    settings.COMPLIANCE_EXPIRING_WINDOW_DAYS = 10
    assert statuses(requirement) == {"e": Compliance.COMPLIANT}


def test_requirement_validity_overrides_course_validity(tree, course):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"], employee_id="v")
    complete(person, course, today - relativedelta(months=8))
    assert statuses(make_requirement(course, unit=tree["dir-a"])) == {"v": Compliance.COMPLIANT}
    # A certificate carries its validity from issuance (see test_certificate_hooks): a new
    # requirement with a shorter validity does not rewrite certificates already issued.
    short = make_requirement(course, unit=tree["dir-a"], validity_months=6)
    assert statuses(short) == {"v": Compliance.COMPLIANT}


def test_without_enrolment_due_date_uses_hire_or_move(tree, course):
    today = timezone.localdate()
    requirement = make_requirement(course, unit=tree["dir-a"], due_days=30)
    StaffFactory(unit=tree["dir-a"], employee_id="old")
    StaffFactory(
        unit=tree["dir-a"],
        employee_id="new",
        start_date=today - timedelta(days=5),
        placed_on=today - timedelta(days=5),
    )
    StaffFactory(unit=tree["dir-a"], employee_id="moved", placed_on=today - timedelta(days=3))
    assert statuses(requirement) == {
        "old": Compliance.OVERDUE,
        "new": Compliance.PENDING,
        "moved": Compliance.PENDING,
    }


def test_people_who_left_are_out_of_scope(tree, course):
    requirement = make_requirement(course)
    StaffFactory(unit=tree["dir-a"], employee_id="a")
    StaffFactory(unit=tree["dir-a"], employee_id="gone", status=StaffProfile.Status.LEFT)
    assert set(statuses(requirement)) == {"a"}


def test_position_scope(tree, course):
    requirement = make_requirement(course, scope="position", position="Oficial de seguridad")
    StaffFactory(unit=tree["dir-a"], employee_id="sec", position="oficial de seguridad")
    StaffFactory(unit=tree["dir-a"], employee_id="other", position="Analista")
    assert set(statuses(requirement)) == {"sec"}


def test_assign_enrols_people_in_scope_once_with_due_date(tree, course):
    today = timezone.localdate()
    inside = StaffFactory(unit=tree["unit-a1"])
    holder = StaffFactory(unit=tree["dir-a"])
    outside = StaffFactory(unit=tree["dir-b"])
    complete(holder, course, today - relativedelta(months=1))
    requirement = make_requirement(course, unit=tree["dir-a"], created_at=timezone.now())
    assert requirements_assign(requirement_id=requirement.pk) == 1
    enrolment = Enrolment.objects.get(learner=inside.user, course=course)
    assert enrolment.source == Enrolment.Source.ASSIGNED
    assert enrolment.due_date == today + timedelta(days=30)
    assert not Enrolment.objects.filter(learner=outside.user).exists()
    assert requirements_assign(requirement_id=requirement.pk) == 0


def test_recertification_opens_a_new_cycle_and_keeps_history(tree, course):
    today = timezone.localdate()
    person = StaffFactory(unit=tree["dir-a"])
    fresh = StaffFactory(unit=tree["dir-a"])
    first = complete(person, course, today - relativedelta(months=12) + timedelta(days=10))
    complete(fresh, course, today - relativedelta(months=1))
    requirement = make_requirement(course, unit=tree["dir-a"])
    assert recertification_run() == 1
    renewal = Enrolment.objects.get(learner=person.user, course=course, status="active")
    assert renewal.cycle == 2
    assert renewal.due_date == first.completed_at.date() + relativedelta(months=12)
    assert recertification_run() == 0  # idempotent
    # Completing the renewal restarts validity.
    renewal.status = Enrolment.Status.COMPLETED
    renewal.completed_at = timezone.now()
    renewal.save()
    from tests.people.factories import _certificate_for

    _certificate_for(renewal, today)
    row = selectors.compliance_queryset(requirement).get(pk=person.pk)
    assert row.compliance == Compliance.COMPLIANT
    assert row.held_until == today + relativedelta(months=12)
    assert Enrolment.objects.filter(learner=person.user, course=course).count() == 2


def test_summary_counts_each_subtree_once_and_everyone_in_the_totals(tree, course):
    """The dashboard's matrix: per-branch counts for the listed sibling units, totals over all
    the people given (including those directly in the parent unit, in no listed branch); a
    person with several certificates and an open renewal still counts once."""
    today = timezone.localdate()
    a1 = StaffFactory(unit=tree["unit-a1"], employee_id="a1")  # inside sub > dir-a
    a = StaffFactory(unit=tree["dir-a"], employee_id="a")
    StaffFactory(unit=tree["dir-b"], employee_id="b")  # never certified, not in sub
    StaffFactory(unit=tree["sub"], employee_id="s")  # never certified, directly in sub
    complete(a1, course, today - relativedelta(months=14))
    complete(a1, course, today - relativedelta(months=2))  # renewed: compliant, counted once
    Enrolment.objects.create(
        learner=a1.user, course=course, cycle=3, due_date=today + timedelta(days=300)
    )
    complete(a, course, today - relativedelta(months=13))  # expired
    requirement = make_requirement(course)
    staff = StaffProfile.objects.all()

    totals, by_unit = selectors.compliance_summary(requirement, staff, [tree["sub"], tree["dir-b"]])
    assert totals["total"] == 4
    assert (totals[Compliance.COMPLIANT], totals[Compliance.EXPIRED]) == (1, 1)
    assert totals[Compliance.OVERDUE] == 2  # no certificate, hired long ago
    sub = by_unit[tree["sub"].pk]
    assert (sub["total"], sub[Compliance.COMPLIANT], sub[Compliance.EXPIRED]) == (3, 1, 1)
    assert (sub["valid"], sub["percent"]) == (1, 33)
    assert by_unit[tree["dir-b"].pk]["total"] == 1
    assert by_unit[tree["dir-b"].pk]["percent"] == 0

    # One level down: only dir-a's subtree counts in its cell; sub's own people in no cell.
    _, by_unit = selectors.compliance_summary(
        requirement, staff.filter(unit__path__startswith=tree["sub"].path), [tree["dir-a"]]
    )
    assert by_unit == {tree["dir-a"].pk: by_unit[tree["dir-a"].pk]}
    assert by_unit[tree["dir-a"].pk]["total"] == 2
