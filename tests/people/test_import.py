import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from people.cedula import cedula_check_digit
from people.importing import build_plan, import_file, staff_import_apply, staff_import_preview
from people.models import StaffImport, StaffProfile
from tests.people.factories import StaffFactory

pytestmark = pytest.mark.django_db

HEADER = "cedula,nombres,apellidos,correo,unidad,cargo,jefe,fecha_ingreso,estado"


def csv_bytes(lines, sep=",", encoding="utf-8", bom=False):
    text = "\n".join(line.replace(",", sep) for line in [HEADER, *lines]) + "\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


GOOD = [
    "1700000001,María José,Andrade,maria@cancilleria.gob.ec,dir-a,Analista,,2024-03-01,activo",
    "1700000019,Jorge,Salazar,jorge@cancilleria.gob.ec,unit-a1,Técnico,1700000001,01/02/2023,",
]


@pytest.mark.parametrize(
    "sep,encoding,bom",
    [(",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False), (",", "utf-8", True)],
)
def test_csv_dialects_and_encodings(tree, sep, encoding, bom):
    plan, summary = import_file(
        filename="personal.csv", content=csv_bytes(GOOD, sep, encoding, bom)
    )
    assert plan.ok, plan.errors
    assert summary["created"] == 2
    jorge = StaffProfile.objects.select_related("user", "manager").get(employee_id="1700000019")
    assert jorge.manager.employee_id == "1700000001"
    assert jorge.unit.code == "unit-a1"
    assert jorge.start_date.isoformat() == "2023-02-01"
    maria = StaffProfile.objects.get(employee_id="1700000001").user
    assert maria.first_name == "María José"
    assert not maria.has_usable_password()
    assert maria.emailaddress_set.get().verified


def test_xlsx_with_numeric_cedula_keeps_leading_zero(tree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            912345675,
            "Ana",
            "Guerrero",
            "ana@cancilleria.gob.ec",
            "dir-b",
            "",
            "",
            timezone.now().replace(tzinfo=None),
            "activo",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan, _summary = import_file(filename="personal.xlsx", content=buffer.getvalue())
    assert plan.ok, plan.errors
    assert StaffProfile.objects.filter(employee_id="0912345675").exists()


def test_row_level_errors_and_nothing_written(tree):
    lines = [
        *GOOD,
        "1700000001,Otra,Persona,otra@cancilleria.gob.ec,dir-a,,,,",  # duplicate id
        "1700000027,Luis,Ortega,no-es-correo,dir-a,,,,",  # bad e-mail
        "1700000035,Paola,Cordero,paola@cancilleria.gob.ec,no-existe,,,,",  # unknown unit
        "1700000043,Diego,Rivas,diego@cancilleria.gob.ec,dir-a,,,31/31/2024,",  # bad date
        "1700000050,Sofía,Naranjo,sofia@cancilleria.gob.ec,dir-a,,,,jubilado",  # bad status
    ]
    plan = build_plan(filename="p.csv", content=csv_bytes(lines))
    found = {(e.line, e.column) for e in plan.errors}
    assert found == {
        (4, "cedula"),
        (5, "correo"),
        (6, "unidad"),
        (7, "fecha_ingreso"),
        (8, "estado"),
    }
    assert "1700000001" in next(e.message for e in plan.errors if e.line == 4)
    staff_import = staff_import_preview(filename="p.csv", content=csv_bytes(lines))
    assert staff_import.status == StaffImport.Status.REJECTED
    assert staff_import.preview["error_count"] == 5
    assert StaffProfile.objects.count() == 0


def test_missing_column_is_a_file_error(tree):
    content = b"cedula;nombres;correo\n1;A;a@b.ec\n"
    plan = build_plan(filename="p.csv", content=content)
    assert not plan.ok
    assert "apellidos" in plan.file_errors[0] and "unidad" in plan.file_errors[0]


def test_empty_and_garbage_files(tree):
    assert build_plan(filename="p.csv", content=b"").file_errors
    assert build_plan(filename="p.xlsx", content=b"PK\x03\x04garbage").file_errors


def test_upsert_unchanged_and_mark_missing_left(
    tree, hr_user, client, django_capture_on_commit_callbacks
):
    import_file(filename="p.csv", content=csv_bytes(GOOD))
    absent = StaffFactory(unit=tree["dir-b"])
    client.force_login(absent.user)
    changed = [
        GOOD[0],
        GOOD[1].replace("unit-a1", "dir-b").replace("Técnico", "Jefe técnico"),
        "1700000092,Nuevo,Ingreso,nuevo@cancilleria.gob.ec,dir-b,,,,",
    ]
    staff_import = staff_import_preview(
        filename="p.csv", content=csv_bytes(changed), mark_missing_left=True, user=hr_user
    )
    assert staff_import.preview["created"] == 1
    assert staff_import.preview["updated"] == 1
    assert staff_import.preview["unchanged"] == 1
    assert staff_import.preview["marked_left"] == 1
    assert StaffProfile.objects.count() == 3  # preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        summary = staff_import_apply(staff_import=staff_import, user=hr_user)
    assert summary == {"rows": 3, "created": 1, "updated": 1, "unchanged": 1, "marked_left": 1}
    absent.refresh_from_db()
    assert absent.status == StaffProfile.Status.LEFT
    assert not Session.objects.exists()  # the person who left was signed out
    entry = ModelLogEntry.objects.for_instance(staff_import).get()
    assert entry.action == "people.import_applied" and entry.data["created"] == 1
    assert not absent.user.__class__.objects.get(pk=absent.user_id).is_active
    jorge = StaffProfile.objects.get(employee_id="1700000019")
    assert (jorge.unit.code, jorge.position) == ("dir-b", "Jefe técnico")
    assert jorge.placed_on == timezone.localdate()
    with pytest.raises(Exception, match="ya se aplicó"):
        staff_import_apply(staff_import=staff_import, user=hr_user)


def test_email_of_another_person_is_an_error(tree):
    other = StaffFactory(unit=tree["dir-a"], employee_id="1799")
    lines = [f"1700000001,A,B,{other.user.email},dir-a,,,,"]
    plan = build_plan(filename="p.csv", content=csv_bytes(lines))
    assert [e.column for e in plan.errors] == ["correo"]


def test_scoped_officer_cannot_import_into_other_units(tree, hr_user):
    from tests.people.factories import scope

    scope(hr_user, tree["dir-a"])
    plan = build_plan(
        filename="p.csv",
        content=csv_bytes(["1700000001,A,B,a@cancilleria.gob.ec,dir-b,,,,"]),
        user=hr_user,
    )
    assert [e.column for e in plan.errors] == ["unidad"]


def test_command_dry_run_and_errors(tree, tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_staff", str(path), "--dry-run")
    assert StaffProfile.objects.count() == 0
    call_command("import_staff", str(path))
    assert StaffProfile.objects.count() == 2
    path.write_bytes(csv_bytes([*GOOD, "x,,,bad,zzz,,,,"]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))


def test_ten_thousand_rows(tree, tmp_path, capsys):
    units = ["min", "sub", "dir-a", "unit-a1", "dir-b"]

    def cedula(i: int) -> str:  # valid ones: province 17, third digit 0, the check digit
        return f"17{i:07d}{cedula_check_digit(f'17{i:07d}')}"

    lines = [
        f"{cedula(i)},Nombre{i},Apellido{i},persona{i}@cancilleria.gob.ec,{units[i % 5]},"
        f"Analista,{cedula((i // 50) * 50) if i % 50 else ''},2020-01-01,activo"
        for i in range(10_000)
    ]
    path = tmp_path / "grande.csv"
    path.write_bytes(csv_bytes(lines, sep=";"))
    started = time.monotonic()
    call_command("import_staff", str(path))
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    with capsys.disabled():
        print(f"\n10,000-row import took {elapsed:.1f} s")  # reported, never asserted
    assert "10000 created" in out
    assert StaffProfile.objects.count() == 10_000
    assert StaffProfile.objects.filter(manager__isnull=False).count() == 9_800
    # Second run: everything unchanged; one change is an update.
    lines[5] = lines[5].replace("Nombre5", "Nombre5b")
    path.write_bytes(csv_bytes(lines, sep=";"))
    call_command("import_staff", str(path))
    assert "0 created, 1 updated, 9999 unchanged" in capsys.readouterr().out


def test_a_failure_while_applying_writes_nothing(tree, hr_user, monkeypatch):
    staff_import = staff_import_preview(filename="p.csv", content=csv_bytes(GOOD), user=hr_user)

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(StaffProfile.objects, "bulk_update", boom)
    with pytest.raises(RuntimeError):
        staff_import_apply(staff_import=staff_import, user=hr_user)
    assert StaffProfile.objects.count() == 0
    assert (
        not StaffProfile.objects.model._meta.apps.get_model("core", "User")
        .objects.filter(email="maria@cancilleria.gob.ec")
        .exists()
    )
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEWED
