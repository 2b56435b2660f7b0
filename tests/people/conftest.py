import pytest

from core.roles import Role
from people.models import OrgUnit
from tests.factories import with_mfa
from tests.people.factories import StaffFactory, make_unit


@pytest.fixture
def tree(db):
    """ministerio > (sub > (dir-a > unit-a1), dir-b)"""
    root = make_unit("min", name="Ministerio")
    sub = make_unit("sub", root, "Subsecretaría")
    dir_a = make_unit("dir-a", sub, "Dirección A")
    unit_a1 = make_unit("unit-a1", dir_a, "Unidad A1")
    dir_b = make_unit("dir-b", root, "Dirección B")
    # Sorted inserts shift sibling paths: reload every unit.
    return {
        unit.code: OrgUnit.objects.get(pk=unit.pk) for unit in (root, sub, dir_a, unit_a1, dir_b)
    }


@pytest.fixture
def hr_user(make_user):
    return with_mfa(make_user(Role.LEARNER, Role.HR))


@pytest.fixture
def admin_user(make_user):
    user = make_user(Role.ADMIN)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return with_mfa(user)


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


@pytest.fixture
def staff_factory():
    return StaffFactory
