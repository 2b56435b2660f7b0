"""The staff import and HR's status screen change a person's status by one rule
(people.services.staff_status_change): the same input leaves both in the same state."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from people import services
from people.importing import import_file
from people.models import StaffProfile
from tests.people.factories import StaffFactory

pytestmark = pytest.mark.django_db

Status = StaffProfile.Status
HEADER = "cedula,nombres,apellidos,correo,unidad,cargo,estado,fecha_salida"
WORDS = {Status.ACTIVE: "activo", Status.LEAVING: "saliendo", Status.LEFT: "retirado"}


def _import_status(profile: StaffProfile, status: str, end_date: date | None) -> None:
    user = profile.user
    row = ",".join(
        [
            profile.employee_id,
            user.first_name,
            user.last_name,
            user.email,
            profile.unit.code,
            profile.position,
            WORDS[status],
            end_date.isoformat() if end_date else "",
        ]
    )
    plan, summary = import_file(filename="p.csv", content=f"{HEADER}\n{row}\n".encode())
    assert plan.ok, plan.errors
    assert summary["updated"] == 1


def _state(profile: StaffProfile) -> tuple:
    profile = StaffProfile.objects.select_related("user").get(pk=profile.pk)
    return profile.status, profile.end_date, profile.user.is_active


@pytest.mark.parametrize(
    ("start", "start_end", "status", "end_in_days"),
    [
        (Status.ACTIVE, None, Status.LEAVING, 20),
        (Status.ACTIVE, None, Status.LEFT, None),
        (Status.LEAVING, 10, Status.LEFT, None),
        (Status.LEAVING, 10, Status.LEFT, 3),
        (Status.LEFT, -5, Status.ACTIVE, None),
    ],
)
def test_import_and_status_screen_apply_the_same_rule(
    tree, hr_user, start, start_end, status, end_in_days
):
    today = timezone.localdate()
    end_date = today + timedelta(days=end_in_days) if end_in_days is not None else None
    twins = []
    for _ in range(2):
        person = StaffFactory(
            unit=tree["dir-a"],
            status=start,
            end_date=today + timedelta(days=start_end) if start_end is not None else None,
        )
        if start == Status.LEFT:
            person.user.is_active = False
            person.user.save(update_fields=["is_active"])
        twins.append(person)
    by_screen, by_import = twins
    services.staff_status_set(profile=by_screen, status=status, end_date=end_date, user=hr_user)
    _import_status(by_import, status, end_date)
    assert _state(by_import) == _state(by_screen)
    expected_active = status != Status.LEFT
    assert _state(by_screen)[0] == status and _state(by_screen)[2] is expected_active
