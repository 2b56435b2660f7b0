"""The dashboard's cached figures (people.cache): never stale, bounded queries."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrolment
from people.models import Requirement
from people.services import unit_move
from tests.people.factories import StaffFactory, complete, make_course, make_requirement

pytestmark = pytest.mark.django_db


def _card(client, path="/talento-humano/") -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return response.context["cards"][0]


def _evening_of(day):
    return timezone.make_aware(datetime.combine(day, time(21, 0)))


def test_a_validity_ending_tonight_shows_expired_tomorrow_without_any_write(hr_client, tree):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["unit-a1"])
    today = timezone.localdate()
    complete(person, course, today - relativedelta(months=12))
    Certificate.objects.filter(learner=person.user).update(expires_on=today)
    with time_machine.travel(_evening_of(today), tick=False):
        card = _card(hr_client)
        assert (card["expiring"], card["expired"]) == (1, 0)
        # Served from the cache: the same figures a second time.
        assert _card(hr_client)["expiring"] == 1
    with time_machine.travel(_evening_of(today) + timedelta(hours=4), tick=False):
        card = _card(hr_client)
        assert (card["expiring"], card["expired"]) == (0, 1)
        page = hr_client.get("/talento-humano/?estado=expired").content.decode()
        assert person.employee_id in page or person.user.last_name in page


def test_a_new_certificate_shows_at_once(hr_client, tree):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["unit-a1"])
    assert _card(hr_client)["compliant"] == 0
    complete(person, course, timezone.localdate())
    assert _card(hr_client)["compliant"] == 1


def test_a_revoked_certificate_shows_at_once(hr_client, tree):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["unit-a1"])
    complete(person, course, timezone.localdate())
    assert _card(hr_client)["compliant"] == 1
    certificate = Certificate.objects.get(learner=person.user)
    certificate.status = Certificate.Status.REVOKED
    certificate.save(update_fields=["status"])
    assert _card(hr_client)["compliant"] == 0


def test_an_unrelated_enrolment_save_keeps_the_cached_figures(
    hr_client, tree, django_assert_max_num_queries
):
    course = make_course()
    make_requirement(course)
    person = StaffFactory(unit=tree["unit-a1"])
    enrolment = Enrolment.objects.create(learner=person.user, course=course, source="assigned")
    first = _card(hr_client)
    enrolment.progress_percent = 50
    enrolment.save(update_fields=["progress_percent"])
    with django_assert_max_num_queries(12):
        assert _card(hr_client)["total"] == first["total"]


def test_a_unit_move_and_a_requirement_edit_show_at_once(hr_client, tree):
    course = make_course()
    requirement = make_requirement(course, unit=tree["dir-b"])
    StaffFactory(unit=tree["unit-a1"])
    StaffFactory(unit=tree["sub"])
    assert _card(hr_client)["total"] == 0
    # treebeard moves with queryset updates (no signals): the service forgets the figures.
    unit_move(unit=tree["dir-a"], new_parent=tree["dir-b"], user=None)
    assert _card(hr_client)["total"] == 1
    requirement.scope = Requirement.Scope.EVERYONE
    requirement.unit = None
    requirement.save()
    assert _card(hr_client)["total"] == 2


def _populate(tree, course, n):
    today = timezone.localdate()
    for i in range(n):
        unit = [tree["dir-a"], tree["unit-a1"], tree["dir-b"], tree["sub"]][i % 4]
        person = StaffFactory(unit=unit)
        if i % 2 == 0:
            complete(person, course, today - relativedelta(months=i % 14))


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_queries_are_the_same_at_two_sizes(
    hr_client, tree, size, django_assert_num_queries
):
    course = make_course()
    other = make_course("Ética pública")
    make_requirement(course)
    make_requirement(other, unit=tree["dir-a"])
    from people.models import CoverageRule

    CoverageRule.objects.create(unit=tree["dir-a"], course=course, minimum=2)
    _populate(tree, course, size)
    # Cold: the same plus one grouped query per requirement, the trend's two and one per
    # coverage rule: bounded by what HR configured, not by how many people there are.
    with django_assert_num_queries(COLD_QUERIES):
        assert hr_client.get("/talento-humano/").status_code == 200
    # Warm: session, user, roles, requirements, units, coverage rules; no staff row is read.
    with django_assert_num_queries(WARM_QUERIES):
        assert hr_client.get("/talento-humano/").status_code == 200


# The same number at both sizes is the point; its value is what the page reads besides the
# figures (the signed-in user, their roles and scope, requirements, units, coverage rules).
WARM_QUERIES = 6
COLD_QUERIES = 14
