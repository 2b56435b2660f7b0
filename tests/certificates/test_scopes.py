"""A scoped HR officer manages the certificates of the people in their units only (the learner
scope people registers through certificates.hooks); institution-wide HR and administrators
manage everyone's. Outside the scope: 404 (the certificate is not found), nothing changes."""

import io
import zipfile

import pytest
from django.core import checks
from django.core.exceptions import PermissionDenied

from certificates import hooks
from certificates.exports import certificate_zip_for_learners
from certificates.models import Certificate, CertificateRegeneration
from certificates.services import certificate_revoke
from core.roles import Role
from tests.factories import StaffFactory, make_unit
from tests.people.factories import scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    root = make_unit("min", name="Ministerio")
    inside = make_unit("dir-a", root, "Dirección A")
    outside = make_unit("dir-b", root, "Dirección B")
    return {"inside": inside, "outside": outside}


@pytest.fixture
def scoped_hr(make_user, with_mfa, units):
    officer = with_mfa(make_user(Role.LEARNER, Role.HR))
    scope(officer, units["inside"])
    return officer


@pytest.fixture
def people(units, issue):
    mine = StaffFactory(unit=units["inside"], employee_id="1711111111")
    theirs = StaffFactory(unit=units["outside"], employee_id="1722222222")
    return {
        "mine": issue(mine.user),
        "theirs": issue(theirs.user),
    }


def test_scoped_officer_lists_only_certificates_of_their_units(
    client, scoped_hr, people, django_assert_max_num_queries
):
    client.force_login(scoped_hr)
    with django_assert_max_num_queries(20):
        page = client.get("/certificados/gestion/").content.decode()
    assert people["mine"].code in page
    assert people["theirs"].code not in page
    # Searching for the other person by name or code finds nothing either.
    found = client.get("/certificados/gestion/", {"q": people["theirs"].code}).content.decode()
    assert f"/certificados/gestion/{people['theirs'].code}/" not in found
    # No link to course-wide regeneration, which they may not use.
    assert "/certificados/gestion/regenerar/" not in page


def test_scoped_officer_cannot_open_download_revoke_or_reissue_outside_their_units(
    client, scoped_hr, people
):
    theirs = people["theirs"]
    client.force_login(scoped_hr)
    base = f"/certificados/gestion/{theirs.code}/"
    for url in (base, base + "pdf/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Ir a la página de inicio" in response.content.decode()
    for action in ("revocar", "reemitir"):
        response = client.post(base + f"{action}/", {f"{action[:3]}-reason": "x"})
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Certificate.Status.ISSUED
    assert Certificate.objects.count() == 2
    # The service refuses too (the rule that opens, not only the page).
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=theirs, by=scoped_hr, reason="x")
    theirs.refresh_from_db()
    assert theirs.status == Certificate.Status.ISSUED


def test_scoped_officer_manages_certificates_inside_their_units(client, scoped_hr, people):
    mine = people["mine"]
    client.force_login(scoped_hr)
    assert client.get(f"/certificados/gestion/{mine.code}/").status_code == 200
    assert client.get(f"/certificados/gestion/{mine.code}/pdf/").status_code == 200
    response = client.post(
        f"/certificados/gestion/{mine.code}/revocar/", {"revoke-reason": "Error de datos"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.REVOKED


def test_scoped_officer_cannot_regenerate_course_wide(client, scoped_hr, people, course):
    client.force_login(scoped_hr)
    assert client.get("/certificados/gestion/regenerar/").status_code == 403
    response = client.post("/certificados/gestion/regenerar/", {"course": course.pk})
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()
    assert not CertificateRegeneration.objects.exists()


@pytest.mark.parametrize("who", ["hr_user", "admin_user"])
def test_institution_wide_hr_and_administrators_manage_everyone(client, request, people, who):
    manager = request.getfixturevalue(who)
    client.force_login(manager)
    page = client.get("/certificados/gestion/").content.decode()
    assert people["mine"].code in page and people["theirs"].code in page
    theirs = people["theirs"]
    assert client.get(f"/certificados/gestion/{theirs.code}/pdf/").status_code == 200
    client.post(f"/certificados/gestion/{theirs.code}/revocar/", {"revoke-reason": "Error"})
    theirs.refresh_from_db()
    assert theirs.status == Certificate.Status.REVOKED
    assert client.get("/certificados/gestion/regenerar/").status_code == 200


def test_the_zip_leaves_out_learners_outside_the_scope(scoped_hr, hr_user, people):
    learner_ids = [people["mine"].learner_id, people["theirs"].learner_id]
    names = zipfile.ZipFile(
        io.BytesIO(b"".join(certificate_zip_for_learners(learner_ids, by=scoped_hr)))
    ).namelist()
    assert len(names) == 1 and people["mine"].code in names[0]
    everyone = zipfile.ZipFile(
        io.BytesIO(b"".join(certificate_zip_for_learners(learner_ids, by=hr_user)))
    ).namelist()
    assert len(everyone) == 2


def test_a_missing_learner_scope_fails_the_start_up_and_closes_the_pages(
    monkeypatch, hr_user, people
):
    monkeypatch.setattr(hooks, "_learner_scopes", [])
    errors = checks.run_checks()
    assert "certificates.E001" in [e.id for e in errors]
    # Fail closed: without a scope nobody but a superuser manages any certificate.
    assert not Certificate.objects.filter(hooks.learner_scope_q(hr_user)).exists()
