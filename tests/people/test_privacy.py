"""Privacy (issue 13, item 6): anonymising asks for the typed full name, leaves no name in the
audit trail, takes the person off system owners and backups through Wagtail revisions; the
personal-data export includes knowledge-base records; the open-data export hides small
groups and the cells that would reveal them."""

import io
import json
import zipfile

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.audit import audit_log
from knowledge_base.models import SystemPage
from knowledge_base.services import article_mark_reviewed, handover_start
from people.models import StaffProfile
from people.personal_data import person_anonymise
from people.services import staff_status_set
from tests.knowledge_base.factories import make_article, make_system
from tests.people.factories import StaffFactory, complete, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def leaver(tree, admin_user):
    person = StaffFactory(
        unit=tree["dir-a"], user__first_name="Rosa Elena", user__last_name="Quishpe"
    )
    staff_status_set(profile=person, status=StaffProfile.Status.LEFT, user=admin_user)
    person.refresh_from_db()
    return person


def _anonymise_url(person):
    return reverse("people:anonymise", args=[person.pk])


@pytest.mark.parametrize("typed", [None, "", "Rosa Quishpe", "otra persona"])
def test_anonymising_without_the_typed_full_name_changes_nothing(admin_client, leaver, typed):
    before = (leaver.employee_id, leaver.user.email, leaver.user.first_name)
    data = {} if typed is None else {"full_name": typed}
    response = admin_client.post(_anonymise_url(leaver), data, follow=True)
    assert response.status_code == 200
    assert "escriba el nombre completo" in response.content.decode().lower()
    leaver.refresh_from_db()
    assert (leaver.employee_id, leaver.user.email, leaver.user.first_name) == before
    assert leaver.user.is_active is False  # left already; not anonymised
    assert not ModelLogEntry.objects.filter(action="people.person_anonymised").exists()


def test_staff_page_asks_for_the_full_name(admin_client, leaver):
    page = admin_client.get(reverse("people:staff_detail", args=[leaver.pk])).content.decode()
    assert 'name="full_name"' in page and "Rosa Elena Quishpe" in page


def test_typed_name_ignores_case_and_spacing(admin_client, leaver):
    admin_client.post(_anonymise_url(leaver), {"full_name": "  rosa elena   QUISHPE "})
    leaver.refresh_from_db()
    assert leaver.employee_id.startswith("ANON-")


def test_hr_officer_without_permission_cannot_anonymise(hr_client, leaver):
    response = hr_client.post(_anonymise_url(leaver), {"full_name": "Rosa Elena Quishpe"})
    assert response.status_code == 403
    leaver.refresh_from_db()
    assert not leaver.employee_id.startswith("ANON-")


def test_audit_trail_shows_only_the_pseudonym(admin_client, admin_user, leaver):
    name, email, employee_id = "Rosa Elena Quishpe", leaver.user.email, leaver.employee_id
    # She acted (on a unit), was acted on, and someone wrote her name into another entry.
    audit_log(instance=leaver.unit, action="people.unit_updated", user=leaver.user, data={})
    audit_log(instance=leaver.user, action="relevo.sign_in", user=leaver.user, data={"ip": "1"})
    audit_log(instance=leaver.unit, action="people.unit_updated", data={"note": f"jefa: {name}"})
    assert not ModelLogEntry.objects.filter(label__icontains="Quishpe").exists()  # labels
    person_anonymise(profile=leaver, confirmed_name=name, user=admin_user)

    for text in (name, "Quishpe", email, employee_id):
        assert not ModelLogEntry.objects.filter(label__icontains=text).exists()
        assert not ModelLogEntry.objects.filter(data__icontains=text).exists()
    history = admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Quishpe" not in history and email not in history
    assert "Titular anonimizado" in history  # who acted, rendered from the user row
    signed_in = ModelLogEntry.objects.filter(action="relevo.sign_in", object_id=leaver.user_id)
    assert signed_in.get().data == {"ip": "anonimizado"}


def test_anonymising_takes_the_person_off_systems_through_revisions(admin_user, leaver):
    colleague = StaffFactory(unit=leaver.unit)
    plain = make_system(owners=[leaver, colleague], backups=[leaver])
    drafted = make_system(backups=[leaver, colleague])
    drafted.purpose = "Borrador en revisión"
    drafted.save_revision(user=admin_user)

    person_anonymise(profile=leaver, confirmed_name="Rosa Elena Quishpe", user=admin_user)

    plain = SystemPage.objects.get(pk=plain.pk)
    assert list(plain.owners.all()) == [colleague] and not plain.backups.exists()
    assert not plain.has_unpublished_changes
    assert plain.live_revision.user == admin_user  # a new, logged revision, not a JSON patch
    assert list(plain.get_latest_revision_as_object().owners.all()) == [colleague]

    drafted = SystemPage.objects.get(pk=drafted.pk)
    assert list(drafted.backups.all()) == [colleague]  # live rows
    assert drafted.has_unpublished_changes  # the draft is still a draft
    draft = drafted.get_latest_revision_as_object()
    assert draft.purpose == "Borrador en revisión"
    assert list(draft.backups.all()) == [colleague]


def test_personal_data_export_includes_knowledge_base_records(admin_client, tree):
    person = StaffFactory(unit=tree["dir-a"])
    owned = make_system(title="Sistema de pasaportes", owners=[person])
    backed = make_system(title="Sistema consular", backups=[person])
    article = make_article(title="Reinicio del servicio", systems=[owned], owner=person)
    article_mark_reviewed(article_id=article.pk, user=person.user)
    handover = handover_start(profile=person, started_by=None)

    response = admin_client.get(reverse("people:personal_data_export", args=[person.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(archive.namelist()[0]))["knowledge_base"]
    assert [a["title"] for a in data["articles"]] == ["Reinicio del servicio"]
    assert data["articles"][0]["keeps_it"] is True
    assert [r["page_id"] for r in data["reviews"]] == [article.pk]
    assert [h["id"] for h in data["handovers"]] == [handover.pk]
    assert [s["title"] for s in data["systems_owned"]] == [owned.title]
    assert [s["title"] for s in data["systems_backed_up"]] == [backed.title]


def _open_data(client) -> list[list[str]]:
    text = b"".join(client.get(reverse("people:export_aggregate")).streaming_content).decode(
        "utf-8-sig"
    )
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def test_open_data_hides_small_groups_and_the_cells_that_reveal_them(admin_client, tree):
    from courses.models import Topic

    today = timezone.localdate().replace(day=15)
    topics = {name: Topic.objects.create(name=name, slug=name.lower()) for name in "ABC"}
    for topic, size in (("A", 6), ("B", 2), ("C", 7)):
        course = make_course(title=f"Curso {topic}")
        course.topic = topics[topic]
        course.save()
        for _ in range(size):
            complete(StaffFactory(unit=tree["dir-a"]), course, today)
    lonely = make_course(title="Curso solitario")
    for _ in range(3):
        complete(StaffFactory(unit=tree["dir-b"]), lonely, today - relativedelta(months=2))

    rows = {(r[0], r[2]): r[4:] for r in _open_data(admin_client)}
    assert rows[("dir-a", "B")] == ["*", "*"]  # 2 people: primary suppression
    assert rows[("dir-a", "A")] == ["*", "*"]  # next smallest: else total − A − C gives B
    assert rows[("dir-a", "C")] == ["7", "7"]
    assert rows[("dir-a", "Total")] == ["15", "15"]
    assert rows[("dir-b", "")] == ["*", "*"]
    assert rows[("dir-b", "Total")] == ["*", "*"]  # a total of one hidden cell is that cell


def test_minimum_group_size_is_one_setting(admin_client, tree, settings):
    settings.PRIVACY_MIN_GROUP_SIZE = 2
    course = make_course()
    for _ in range(2):
        complete(StaffFactory(unit=tree["dir-a"]), course, timezone.localdate())
    assert _open_data(admin_client)[0][4:] == ["2", "2"]
