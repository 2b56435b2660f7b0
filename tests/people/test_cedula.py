"""The cédula is checked where HR enters it (the staff form and the import), in Spanish; a
profile stored before the rule stays editable and re-importable."""

import pytest
from django.utils import translation

from people.cedula import cedula_error
from people.importing import build_plan
from people.models import StaffProfile
from tests.people.factories import StaffFactory
from tests.people.test_import import csv_bytes

pytestmark = pytest.mark.django_db

VALID = ["1700000001", "0912345675", "1750000018", "2400000002", "3000000004", "1710034065"]
INVALID = {
    "171003406": "10 dígitos",  # nine digits
    "17100340655": "10 dígitos",
    "17100A4065": "10 dígitos",
    "2500000004": "provincia",  # no province 25
    "0000000000": "provincia",
    "1760000001": "tercer dígito",  # 6+: not a natural person
    "1710034066": "dígito verificador",
    "0912345678": "dígito verificador",
}


@pytest.mark.parametrize("value", VALID)
def test_valid_cedulas(value):
    assert cedula_error(value) is None


@pytest.mark.parametrize("value,words", INVALID.items())
def test_invalid_cedulas_say_why_in_spanish(value, words):
    with translation.override("es"):
        assert words in cedula_error(value)


def _create(hr_client, tree, employee_id):
    return hr_client.post(
        "/talento-humano/personal/nuevo/",
        {
            "employee_id": employee_id,
            "first_name": "Ana",
            "last_name": "Vaca",
            "email": "ana.vaca@cancilleria.gob.ec",
            "unit": tree["dir-a"].pk,
            "start_date": "2025-01-02",
        },
    )


def test_staff_form_refuses_a_wrong_check_digit_in_spanish(hr_client, tree):
    response = _create(hr_client, tree, "1710034066")
    assert response.status_code == 200
    assert "dígito verificador" in response.content.decode()
    assert not StaffProfile.objects.filter(user__email="ana.vaca@cancilleria.gob.ec").exists()
    assert _create(hr_client, tree, "1710034065").status_code == 302
    assert StaffProfile.objects.filter(employee_id="1710034065").exists()


def test_a_profile_stored_before_the_rule_stays_editable(hr_client, tree):
    old = StaffFactory(unit=tree["dir-a"], employee_id="1799999999")  # not a valid cédula
    edit = f"/talento-humano/personal/{old.pk}/editar/"
    data = {
        "employee_id": "1799999999",
        "first_name": "Luis",
        "last_name": "Mora",
        "email": old.user.email,
        "unit": tree["dir-a"].pk,
        "start_date": "2024-01-02",
    }
    assert hr_client.post(edit, data).status_code == 302
    response = hr_client.post(edit, {**data, "employee_id": "1799999998"})  # changed: checked
    assert response.status_code == 200 and "tercer dígito" in response.content.decode()


def test_import_refuses_an_invalid_new_cedula_and_accepts_a_stored_one(tree):
    StaffFactory(unit=tree["dir-a"], employee_id="1799999999")
    rows = [
        "1710034066,Ana,Vaca,ana@cancilleria.gob.ec,dir-a,,,,",
        "1799999999,Luis,Mora,luis@cancilleria.gob.ec,dir-a,,,,",
        "1710034065,Eva,Paz,eva@cancilleria.gob.ec,dir-a,,,,",
    ]
    with translation.override("es"):
        plan = build_plan(filename="p.csv", content=csv_bytes(rows))
    errors = [(e.line, e.column) for e in plan.errors if e.column == "cedula"]
    assert errors == [(2, "cedula")]
    assert "dígito verificador" in plan.errors[0].message
