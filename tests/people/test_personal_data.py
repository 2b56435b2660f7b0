import io
import json
import zipfile

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from courses.models import Enrolment
from people.models import StaffProfile
from people.services import staff_status_set
from tests.people.factories import StaffFactory, complete, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_exports_everything_about_a_person(admin_client, tree):
    course = make_course()
    person = StaffFactory(unit=tree["dir-a"])
    complete(person, course, timezone.localdate() - relativedelta(months=1))
    response = admin_client.get(f"/talento-humano/personal/{person.pk}/datos-personales/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(archive.namelist()[0]))
    assert data["account"]["email"] == person.user.email
    assert data["profile"]["employee_id"] == person.employee_id
    assert data["enrolments"][0]["course"] == course.title
    assert any(e["action"] == "people.personal_data_exported" for e in data["audit_log"]) is False
    assert set(data) >= {
        "account",
        "profile",
        "enrolments",
        "lesson_progress",
        "certificates",
        "audit_log",
    }


def test_hr_officer_cannot_export_or_anonymise(hr_client, tree):
    person = StaffFactory(unit=tree["dir-a"], status=StaffProfile.Status.LEFT)
    assert (
        hr_client.get(f"/talento-humano/personal/{person.pk}/datos-personales/").status_code == 403
    )
    assert hr_client.post(f"/talento-humano/personal/{person.pk}/anonimizar/").status_code == 403


def test_anonymise_a_person_who_left_keeps_statistics(admin_client, admin_user, tree, settings):
    settings.PRIVACY_MIN_GROUP_SIZE = 1  # show the single completion the statistics keep
    course = make_course()
    person = StaffFactory(unit=tree["dir-a"])
    complete(person, course, timezone.localdate() - relativedelta(months=1))
    email, employee_id = person.user.email, person.employee_id
    confirm = {"full_name": person.user.get_full_name()}
    response = admin_client.post(f"/talento-humano/personal/{person.pk}/anonimizar/", confirm)
    person.refresh_from_db()
    assert person.employee_id == employee_id  # still active: refused
    staff_status_set(profile=person, status=StaffProfile.Status.LEFT, user=admin_user)
    response = admin_client.post(f"/talento-humano/personal/{person.pk}/anonimizar/", confirm)
    assert response.status_code == 302
    person.refresh_from_db()
    user = person.user
    assert user.email != email and "anonimizado" in user.email
    assert (user.first_name, user.last_name) == ("Titular", "anonimizado")
    assert person.employee_id.startswith("ANON-")
    assert not user.is_active
    assert Enrolment.objects.filter(learner=user, status="completed").count() == 1
    aggregate = b"".join(
        admin_client.get("/talento-humano/exportar/datos-abiertos.csv").streaming_content
    ).decode("utf-8-sig")
    assert aggregate.strip().splitlines()[1].endswith(",1,1")
    from wagtail.models import ModelLogEntry

    assert not ModelLogEntry.objects.filter(data__icontains=email).exists()


def test_notifications_are_exported_and_their_texts_blanked_on_anonymisation(
    admin_client, admin_user, tree
):
    from core.models import NotificationLog
    from people.personal_data import person_anonymise

    person = StaffFactory(unit=tree["dir-a"])
    name = person.user.get_full_name()
    for key, sent_at in (("sent-1", timezone.now()), ("unsent-1", None)):
        NotificationLog.objects.create(
            key=key,
            kind="people.expiry",
            recipient=person.user,
            subject=f"Hola {name}",
            body=f"Estimado/a {name}",
            sent_at=sent_at,
        )
    response = admin_client.get(f"/talento-humano/personal/{person.pk}/datos-personales/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(archive.namelist()[0]))
    assert [row["subject"] for row in data["notifications"]] == [f"Hola {name}"] * 2

    staff_status_set(profile=person, status=StaffProfile.Status.LEFT, user=admin_user)
    person_anonymise(profile=person, confirmed_name=name, user=admin_user)
    rows = NotificationLog.objects.filter(recipient=person.user)
    assert list(rows.values_list("key", "subject", "body")) == [("sent-1", "", "")]
