"""The ways a scoped HR officer could reach accounts beyond their units, each reproduced and
now refused: an import row naming a person from another unit, "Nuevo" with an administrator's
e-mail, edits of privileged accounts. Institution-wide HR and administrators still can."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.roles import Role
from people.importing import build_plan, staff_import_apply, staff_import_preview
from people.models import StaffImport, StaffProfile
from tests.people.factories import StaffFactory, scope
from tests.people.test_import import csv_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def scoped(hr_user, tree):
    scope(hr_user, tree["dir-a"])
    return hr_user


def new_staff(**overrides):
    data = {
        "employee_id": "1755555552",
        "first_name": "Ana",
        "last_name": "Vaca",
        "email": "ana.vaca@cancilleria.gob.ec",
        "position": "Analista",
        "start_date": "2025-01-02",
    }
    data.update(overrides)
    return data


# --- (a) an import row with the cédula of someone outside the scope -------------------------


def test_import_row_moving_an_outsider_into_the_scope_is_refused_with_its_line(
    hr_client, scoped, tree
):
    outsider = StaffFactory(unit=tree["dir-b"], employee_id="1722222222")
    email_before = outsider.user.email
    content = csv_bytes(
        [
            "1700000001,Ana,Vaca,ana@cancilleria.gob.ec,dir-a,,,,",
            "1722222222,Eva,Toro,atacante@example.com,unit-a1,,,,",
        ]
    )
    response = hr_client.post(
        "/talento-humano/importar/", {"file": SimpleUploadedFile("p.csv", content)}
    )
    preview = hr_client.get(response.url).content.decode()
    assert "La persona con cédula 1722222222 trabaja en una unidad fuera de su ámbito." in preview
    assert "<td>3</td>" in preview  # the row's line (the header is line 1)
    staff_import = StaffImport.objects.latest("pk")
    assert staff_import.status == StaffImport.Status.REJECTED
    assert hr_client.post(response.url).status_code == 302
    outsider.refresh_from_db()
    outsider.user.refresh_from_db()
    assert outsider.unit == tree["dir-b"]
    assert outsider.user.email == email_before
    assert not outsider.user.emailaddress_set.filter(email="atacante@example.com").exists()
    assert not StaffProfile.objects.filter(employee_id="1700000001").exists()


def test_an_institution_wide_officer_still_moves_people_by_import(hr_user, tree):
    person = StaffFactory(unit=tree["dir-b"], employee_id="1722222222")
    content = csv_bytes([f"1722222222,Eva,Toro,{person.user.email},unit-a1,,,,"])
    staff_import = staff_import_preview(filename="p.csv", content=content, user=hr_user)
    staff_import_apply(staff_import=staff_import, user=hr_user)
    person.refresh_from_db()
    assert person.unit == tree["unit-a1"]


@pytest.mark.parametrize(
    "account",
    [
        {"last_login": timezone.now()},
        {"is_staff": True},
        {"roles": [Role.LEARNER, Role.TRAINER]},
    ],
    ids=["signed-in", "staff", "trainer"],
)
def test_an_import_never_changes_the_e_mail_of_a_protected_account(
    admin_user, make_user, tree, account
):
    roles = account.pop("roles", [Role.LEARNER])
    user = make_user(*roles, **account)
    person = StaffFactory(user=user, unit=tree["dir-a"], employee_id="1722222222")
    plan = build_plan(
        filename="p.csv",
        content=csv_bytes(["1722222222,Eva,Toro,otro@example.com,dir-a,,,,"]),
        user=admin_user,  # not even an administrator's import
    )
    assert [(e.line, e.column) for e in plan.errors] == [(2, "correo")]
    user.refresh_from_db()
    assert user.email != "otro@example.com"
    assert person.user.email == user.email


def test_an_import_still_corrects_the_e_mail_of_a_learner_who_never_signed_in(hr_user, tree):
    # An SSO-only placeholder: no password, never signed in.
    person = StaffFactory(unit=tree["dir-a"], employee_id="1722222222", user__password=None)
    content = csv_bytes(["1722222222,Eva,Toro,nuevo@cancilleria.gob.ec,dir-a,,,,"])
    staff_import = staff_import_preview(filename="p.csv", content=content, user=hr_user)
    staff_import_apply(staff_import=staff_import, user=hr_user)
    person.user.refresh_from_db()
    assert person.user.email == "nuevo@cancilleria.gob.ec"


def test_an_import_never_attaches_a_profile_to_an_administrators_account(hr_user, admin_user, tree):
    plan = build_plan(
        filename="p.csv",
        content=csv_bytes([f"1700000092,Ad,Min,{admin_user.email},dir-a,,,,"]),
        user=hr_user,
    )
    assert [(e.line, e.column) for e in plan.errors] == [(2, "correo")]
    assert "Ya existe una cuenta con ese correo." in plan.errors[0].message
    assert not StaffProfile.objects.filter(user=admin_user).exists()


def test_hr_cannot_import_changes_to_an_administrators_profile_but_an_administrator_can(
    hr_user, admin_user, tree
):
    StaffFactory(user=admin_user, unit=tree["dir-a"], employee_id="1700000092")
    content = csv_bytes([f"1700000092,Ad,Min,{admin_user.email},dir-b,,,,retirado"])
    plan = build_plan(filename="p.csv", content=content, user=hr_user)
    assert [e.column for e in plan.errors] == ["cedula"]
    # Nor is the administrator marked as left for missing from a full export.
    other = csv_bytes(["1700000001,Ana,Vaca,ana@cancilleria.gob.ec,dir-a,,,,"])
    plan = build_plan(filename="p.csv", content=other, mark_missing_left=True, user=hr_user)
    assert plan.to_mark_left == []
    staff_import = staff_import_preview(filename="p.csv", content=content, user=admin_user)
    staff_import_apply(staff_import=staff_import, user=admin_user)
    assert StaffProfile.objects.get(user=admin_user).unit == tree["dir-b"]


# --- (b) "Nuevo" with the e-mail of an account without a profile ---------------------------


def test_nuevo_with_a_superusers_e_mail_is_refused_and_changes_nothing(
    hr_client, scoped, tree, make_user
):
    superuser = make_user(Role.LEARNER, is_superuser=True, is_staff=True)
    email = superuser.email
    response = hr_client.post(
        "/talento-humano/personal/nuevo/", new_staff(email=email, unit=tree["dir-a"].pk)
    )
    assert response.status_code == 200
    assert "Ya existe una cuenta con ese correo." in response.content.decode()
    assert not StaffProfile.objects.exists()
    superuser.refresh_from_db()
    assert superuser.email == email
    assert superuser.first_name != "Ana"


@pytest.mark.parametrize("role", [Role.TRAINER, Role.HR, Role.ADMIN, Role.REVIEWER])
def test_nuevo_never_attaches_a_profile_to_an_account_with_another_role(
    client, admin_user, tree, make_user, role
):
    account = make_user(Role.LEARNER, role)
    client.force_login(admin_user)  # not even for an administrator
    response = client.post(
        "/talento-humano/personal/nuevo/", new_staff(email=account.email, unit=tree["dir-a"].pk)
    )
    assert "Ya existe una cuenta con ese correo." in response.content.decode()
    assert not StaffProfile.objects.filter(user=account).exists()


def test_nuevo_attaches_a_profile_to_a_plain_learner_account_and_audits_it(
    hr_client, scoped, tree, make_user
):
    learner = make_user(Role.LEARNER)  # as single sign-on creates them
    response = hr_client.post(
        "/talento-humano/personal/nuevo/", new_staff(email=learner.email, unit=tree["dir-a"].pk)
    )
    assert response.status_code == 302, response.context["form"].errors
    profile = StaffProfile.objects.get(user=learner)
    entry = ModelLogEntry.objects.get(action="people.staff_account_attached")
    assert entry.object_id == str(profile.pk)
    assert entry.user_id == scoped.pk


# --- HR never edits privileged accounts --------------------------------------------------


@pytest.mark.parametrize(
    "flags", [{"is_superuser": True}, {"is_staff": True}, {"roles": [Role.ADMIN]}]
)
def test_hr_cannot_edit_or_deactivate_a_privileged_account(hr_client, make_user, tree, flags):
    roles = flags.pop("roles", [Role.LEARNER])
    account = make_user(*roles, **flags)
    profile = StaffFactory(user=account, unit=tree["dir-a"], employee_id="1700000092")
    email = account.email
    assert hr_client.get(f"/talento-humano/personal/{profile.pk}/editar/").status_code == 403
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(employee_id="1700000092", email="atacante@example.com", unit=tree["dir-a"].pk),
    )
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()
    response = hr_client.post(f"/talento-humano/personal/{profile.pk}/estado/", {"status": "left"})
    assert response.status_code == 403
    account.refresh_from_db()
    profile.refresh_from_db()
    assert account.email == email and account.is_active
    assert profile.status == StaffProfile.Status.ACTIVE


def test_editing_a_trainer_never_changes_their_e_mail(hr_client, make_user, tree):
    trainer = make_user(Role.LEARNER, Role.TRAINER)
    profile = StaffFactory(user=trainer, unit=tree["dir-a"], employee_id="1700000092")
    email = trainer.email
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(employee_id="1700000092", email="atacante@example.com", unit=tree["dir-a"].pk),
    )
    assert response.status_code == 200
    assert "El correo de una cuenta con otro rol solo lo cambia su titular" in (
        response.content.decode()
    )
    trainer.refresh_from_db()
    assert trainer.email == email
    assert not trainer.emailaddress_set.filter(email="atacante@example.com").exists()


def test_an_administrator_still_edits_a_privileged_accounts_profile(client, admin_user, tree):
    other_admin = User.objects.create_user(
        email="otra.admin@cancilleria.gob.ec", password=None, is_staff=True
    )
    profile = StaffFactory(user=other_admin, unit=tree["dir-a"], employee_id="1700000092")
    client.force_login(admin_user)
    response = client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(
            employee_id="1700000092",
            email=other_admin.email,
            first_name="Otra",
            last_name="Admin",
            unit=tree["dir-b"].pk,
        ),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.unit == tree["dir-b"]


def test_hr_never_changes_the_e_mail_of_a_learner_who_has_signed_in(hr_client, make_user, tree):
    learner = make_user(Role.LEARNER)
    learner.last_login = timezone.now()
    learner.save(update_fields=["last_login"])
    profile = StaffFactory(user=learner, unit=tree["dir-a"], employee_id="1700000010")
    email = learner.email
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(employee_id="1700000010", email="atacante@example.com", unit=tree["dir-a"].pk),
    )
    assert response.status_code == 200
    assert "Solo su titular cambia el correo de una cuenta en uso" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email == email
    assert not learner.emailaddress_set.filter(email="atacante@example.com").exists()


# --- an account in use keeps its e-mail; the old address hears of any change ------------------


def test_hr_never_changes_the_e_mail_of_a_learner_with_a_password(hr_client, make_user, tree):
    # Never signed in, but it has a password: a reset to HR's address would hand it over.
    learner = make_user(Role.LEARNER)
    profile = StaffFactory(user=learner, unit=tree["dir-a"], employee_id="1700000011")
    email = learner.email
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(employee_id="1700000011", email="atacante@example.com", unit=tree["dir-a"].pk),
    )
    assert response.status_code == 200
    assert "Solo su titular cambia el correo de una cuenta en uso" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email == email
    assert not learner.emailaddress_set.filter(email="atacante@example.com").exists()


def test_hr_never_changes_the_e_mail_of_an_account_whose_owner_verified_another(
    hr_client, make_user, tree
):
    from allauth.account.models import EmailAddress

    learner = make_user(Role.LEARNER, password=None)
    EmailAddress.objects.create(user=learner, email="propio@example.com", verified=True)
    profile = StaffFactory(user=learner, unit=tree["dir-a"], employee_id="1700000012")
    response = hr_client.post(
        f"/talento-humano/personal/{profile.pk}/editar/",
        new_staff(employee_id="1700000012", email="atacante@example.com", unit=tree["dir-a"].pk),
    )
    assert "Solo su titular cambia el correo de una cuenta en uso" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email != "atacante@example.com"


def test_hr_corrects_the_e_mail_of_a_placeholder_and_the_old_address_is_told(
    hr_client, make_user, tree, django_capture_on_commit_callbacks
):
    from core.models import NotificationLog

    placeholder = make_user(Role.LEARNER, password=None)
    old = placeholder.email
    profile = StaffFactory(user=placeholder, unit=tree["dir-a"], employee_id="1700000013")
    with django_capture_on_commit_callbacks(execute=False):
        response = hr_client.post(
            f"/talento-humano/personal/{profile.pk}/editar/",
            new_staff(
                employee_id="1700000013", email="correcto@example.com", unit=tree["dir-a"].pk
            ),
        )
    assert response.status_code == 302
    placeholder.refresh_from_db()
    assert placeholder.email == "correcto@example.com"
    notice = NotificationLog.objects.get(kind="account.email_changed", recipient=placeholder)
    assert notice.address == old
    assert "correcto@example.com" in notice.body and old in notice.body
    assert "correo de su cuenta" in notice.subject


def test_an_owner_changing_their_own_e_mail_is_told_at_the_old_address(learner, mailoutbox):
    from core.notifications import notification_deliver

    old = learner.email
    learner.email = "nuevo@example.com"
    learner.save()
    notice = learner.notifications.get(kind="account.email_changed")
    assert notification_deliver(notification_id=notice.pk)
    assert mailoutbox[-1].to == [old]


def test_an_import_never_changes_the_e_mail_of_an_account_with_a_password(admin_user, tree):
    StaffFactory(unit=tree["dir-a"], employee_id="1722222223")  # has a password
    plan = build_plan(
        filename="p.csv",
        content=csv_bytes(["1722222223,Eva,Toro,otro@example.com,dir-a,,,,"]),
        user=admin_user,
    )
    assert [(e.line, e.column) for e in plan.errors] == [(2, "correo")]


def test_an_import_correcting_a_placeholders_e_mail_tells_the_old_address(hr_user, tree):
    person = StaffFactory(unit=tree["dir-a"], employee_id="1722222224", user__password=None)
    old = person.user.email
    content = csv_bytes(["1722222224,Eva,Toro,nuevo2@cancilleria.gob.ec,dir-a,,,,"])
    staff_import = staff_import_preview(filename="p.csv", content=content, user=hr_user)
    staff_import_apply(staff_import=staff_import, user=hr_user)
    person.user.refresh_from_db()
    assert person.user.email == "nuevo2@cancilleria.gob.ec"
    notice = person.user.notifications.get(kind="account.email_changed")
    assert notice.address == old
