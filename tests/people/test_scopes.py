"""HR officers' scopes, kept in the app: only HR for the whole institution may change them,
a scoped officer is refused, and the change takes effect on what the officer sees."""

import pytest
from wagtail.models import ModelLogEntry

from core.roles import Role
from people.models import HRScope
from tests.people.conftest import with_mfa
from tests.people.factories import StaffFactory, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return with_mfa(make_user(Role.LEARNER, Role.HR))


def test_unscoped_hr_limits_an_officer_then_the_officer_sees_only_that_subtree(
    client, hr_client, officer, tree
):
    inside = StaffFactory(unit=tree["unit-a1"], employee_id="1711111111")
    outside = StaffFactory(unit=tree["dir-b"], employee_id="1722222222")

    page = hr_client.get("/talento-humano/responsables/")
    assert page.status_code == 200
    assert "La institución completa" in page.content.decode()

    response = hr_client.post(
        "/talento-humano/responsables/", {"officer": officer.pk, "unit": tree["dir-a"].pk}
    )
    assert response.status_code == 302
    assert list(HRScope.objects.filter(user=officer).values_list("unit__code", flat=True)) == [
        "dir-a"
    ]
    assert ModelLogEntry.objects.filter(action="people.hr_scope_added").exists()

    client.force_login(officer)
    listing = client.get("/talento-humano/personal/").content.decode()
    assert inside.employee_id in listing and outside.employee_id not in listing


def test_duplicate_scope_and_non_hr_account_are_refused_with_a_message(
    hr_client, officer, make_user, tree
):
    scope(officer, tree["dir-a"])
    response = hr_client.post(
        "/talento-humano/responsables/", {"officer": officer.pk, "unit": tree["dir-a"].pk}
    )
    assert response.status_code == 200
    assert "ya tiene esta unidad en su ámbito" in response.content.decode()
    learner = make_user(Role.LEARNER)
    response = hr_client.post(
        "/talento-humano/responsables/", {"officer": learner.pk, "unit": tree["dir-a"].pk}
    )
    assert response.status_code == 200  # not a choice: the form refuses it
    assert HRScope.objects.count() == 1


def test_removing_a_scope(hr_client, officer, tree):
    kept = scope(officer, tree["dir-b"])
    removed = scope(officer, tree["dir-a"])
    response = hr_client.post(f"/talento-humano/responsables/{removed.pk}/quitar/")
    assert response.status_code == 302
    assert list(HRScope.objects.filter(user=officer)) == [kept]
    assert ModelLogEntry.objects.filter(action="people.hr_scope_removed").exists()
    # GET never removes.
    assert hr_client.get(f"/talento-humano/responsables/{kept.pk}/quitar/").status_code == 405


def test_scoped_officer_and_learner_cannot_change_scopes(client, officer, make_user, tree):
    own = scope(officer, tree["dir-a"])
    client.force_login(officer)
    assert client.get("/talento-humano/responsables/").status_code == 403
    # Widening their own reach by removing their scope, or adding another unit: refused.
    assert client.post(f"/talento-humano/responsables/{own.pk}/quitar/").status_code == 403
    response = client.post(
        "/talento-humano/responsables/", {"officer": officer.pk, "unit": tree["dir-b"].pk}
    )
    assert response.status_code == 403
    assert list(HRScope.objects.filter(user=officer)) == [own]
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/talento-humano/responsables/").status_code == 403


def test_scope_list_queries_do_not_grow_with_officers(
    hr_client, make_user, tree, django_assert_max_num_queries
):
    for count in (2, 12):
        while HRScope.objects.count() < count:
            scope(make_user(Role.LEARNER, Role.HR), tree["dir-a"])
        with django_assert_max_num_queries(16):
            assert hr_client.get("/talento-humano/responsables/").status_code == 200
