from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Enrolment
from people import services
from people.hooks import staff_moved, staff_status_changed
from people.models import OrgUnit, StaffProfile
from tests.people.factories import StaffFactory, make_course, make_requirement, scope

pytestmark = pytest.mark.django_db


def actions(instance):
    return list(
        ModelLogEntry.objects.for_instance(instance).order_by("pk").values_list("action", flat=True)
    )


def test_unit_create_edit_move_are_audited(tree, hr_user):
    unit = services.unit_create(
        name="Unidad nueva", code="nueva", kind="unit", parent=tree["dir-b"], user=hr_user
    )
    assert unit.get_parent().code == "dir-b"
    services.unit_update(
        unit=unit, name="Unidad renombrada", code="nueva", kind="unit", head=None, user=hr_user
    )
    moved = services.unit_move(unit=unit, new_parent=tree["dir-a"], user=hr_user)
    assert moved.get_parent().code == "dir-a"
    assert actions(unit) == ["people.unit_created", "people.unit_updated", "people.unit_moved"]


def test_unit_cannot_move_inside_itself(tree, hr_user):
    with pytest.raises(ValidationError):
        services.unit_move(unit=tree["sub"], new_parent=tree["unit-a1"], user=hr_user)
    assert OrgUnit.objects.get(code="sub").get_parent().code == "min"


def test_duplicate_unit_code_is_refused(tree, hr_user):
    with pytest.raises(ValidationError):
        services.unit_create(name="X", code="dir-a", kind="unit", parent=tree["min"], user=hr_user)


def test_scoped_officer_cannot_touch_units_outside_scope(tree, hr_user):
    scope(hr_user, tree["dir-a"])
    with pytest.raises(PermissionDenied):
        services.unit_create(name="X", code="x", kind="unit", parent=tree["dir-b"], user=hr_user)
    with pytest.raises(PermissionDenied):
        services.unit_move(unit=tree["unit-a1"], new_parent=tree["dir-b"], user=hr_user)
    unit = services.unit_create(name="X", code="x", kind="unit", parent=tree["dir-a"], user=hr_user)
    assert unit.get_parent().code == "dir-a"


def test_staff_create_makes_an_sso_ready_account_and_picks_up_requirements(tree, hr_user):
    course = make_course()
    make_requirement(course, unit=tree["dir-a"])
    profile = services.staff_create(
        employee_id="1799999999",
        email="Nueva.Persona@cancilleria.gob.ec",
        first_name="Nueva",
        last_name="Persona",
        unit=tree["unit-a1"],
        user=hr_user,
    )
    user = profile.user
    assert user.email == "nueva.persona@cancilleria.gob.ec"
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    enrolment = Enrolment.objects.get(learner=user, course=course)
    assert enrolment.source == "assigned"
    assert enrolment.due_date == timezone.localdate() + timedelta(days=30)
    assert "people.staff_created" in actions(profile)


def test_staff_create_refuses_duplicate_employee_id(tree, hr_user):
    StaffFactory(unit=tree["dir-a"], employee_id="1700000001")
    with pytest.raises(ValidationError) as exc:
        services.staff_create(
            employee_id="1700000001",
            email="otra@example.gob.ec",
            first_name="A",
            last_name="B",
            unit=tree["dir-a"],
            user=hr_user,
        )
    assert "employee_id" in exc.value.error_dict


def test_moving_a_person_announces_it_and_assigns_the_new_units_requirements(tree, hr_user):
    course = make_course()
    make_requirement(course, unit=tree["dir-b"])
    person = StaffFactory(unit=tree["dir-a"])
    seen = []

    def receiver(sender, profile, old_unit, new_unit, **kwargs):
        seen.append((profile.pk, old_unit.code, new_unit.code))

    staff_moved.connect(receiver)
    try:
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            services.staff_update(
                profile=person,
                employee_id=person.employee_id,
                email=person.user.email,
                first_name=person.user.first_name,
                last_name=person.user.last_name,
                unit=tree["dir-b"],
                position=person.position,
                manager=None,
                start_date=person.start_date,
                user=hr_user,
            )
    finally:
        staff_moved.disconnect(receiver)
    assert seen == [(person.pk, "dir-a", "dir-b")]
    person.refresh_from_db()
    assert person.placed_on == timezone.localdate()
    assert Enrolment.objects.get(learner=person.user, course=course).due_date == (
        timezone.localdate() + timedelta(days=30)
    )


def test_marking_left_deactivates_ends_sessions_and_announces(
    tree, hr_user, client, django_capture_on_commit_callbacks
):
    person = StaffFactory(unit=tree["dir-a"])
    other = StaffFactory(unit=tree["dir-a"])
    client.force_login(person.user)
    from django.test import Client

    Client().force_login(other.user)
    assert Session.objects.count() == 2
    seen = []

    def receiver(sender, profile, old_status, new_status, **kwargs):
        seen.append((profile.pk, old_status, new_status))

    staff_status_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.staff_status_set(
                profile=person,
                status=StaffProfile.Status.LEAVING,
                end_date=timezone.localdate() + timedelta(days=10),
                user=hr_user,
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.staff_status_set(profile=person, status=StaffProfile.Status.LEFT, user=hr_user)
    finally:
        staff_status_changed.disconnect(receiver)
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert seen == [(person.pk, "active", "leaving"), (person.pk, "leaving", "left")]
    assert not person.user.is_active
    assert person.end_date == timezone.localdate() + timedelta(days=10)
    assert Session.objects.count() == 1  # only the other person's session remains
    assert StaffProfile.objects.filter(pk=person.pk).exists()  # records stay
    assert actions(person).count("people.staff_status_changed") == 2
    response = client.get("/talento-humano/")
    assert response.status_code == 302 and "/cuenta/" in response.url


def test_leaving_needs_an_end_date(tree, hr_user):
    person = StaffFactory(unit=tree["dir-a"])
    with pytest.raises(ValidationError):
        services.staff_status_set(profile=person, status=StaffProfile.Status.LEAVING, user=hr_user)


def test_requirement_save_enrols_after_commit_and_is_audited(
    tree, hr_user, django_capture_on_commit_callbacks
):
    course = make_course()
    person = StaffFactory(unit=tree["unit-a1"])
    with django_capture_on_commit_callbacks(execute=True):
        requirement = services.requirement_save(
            course=course, scope="unit", unit=tree["dir-a"], due_days=15, user=hr_user
        )
    assert Enrolment.objects.get(learner=person.user).due_date == (
        timezone.localdate() + timedelta(days=15)
    )
    assert actions(requirement) == ["people.requirement_created"]


def test_scoped_officer_cannot_require_training_of_everyone(tree, hr_user):
    scope(hr_user, tree["dir-a"])
    with pytest.raises(PermissionDenied):
        services.requirement_save(course=make_course(), scope="everyone", user=hr_user)
    with pytest.raises(PermissionDenied):
        services.requirement_save(
            course=make_course(), scope="unit", unit=tree["dir-b"], user=hr_user
        )


def test_validity_provider_returns_the_requirements_months(tree):
    course = make_course(validity_months=24)
    person = StaffFactory(unit=tree["unit-a1"])
    make_requirement(course, unit=tree["dir-a"], validity_months=12)
    make_requirement(course, validity_months=18)
    enrolment = Enrolment.objects.create(learner=person.user, course=course)
    assert services.requirement_validity_for_enrolment(enrolment) == 12
    stranger = StaffFactory(unit=tree["dir-b"])
    other = Enrolment.objects.create(learner=stranger.user, course=course)
    assert services.requirement_validity_for_enrolment(other) == 18
    assert services.staff_identifier(person.user) == person.employee_id
