import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate, CertificateRegeneration
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(make_user, with_mfa):
    return {
        "learner": make_user(Role.LEARNER),
        "trainer": make_user(Role.LEARNER, Role.TRAINER),
        "reviewer": make_user(Role.REVIEWER),
        "custodian": make_user(Role.CUSTODIAN),
    }


def _urls(certificate):
    code = certificate.code
    return [
        ("get", "/certificados/gestion/"),
        ("get", f"/certificados/gestion/{code}/"),
        ("get", f"/certificados/gestion/{code}/pdf/"),
        ("get", "/certificados/gestion/regenerar/"),
        ("post", f"/certificados/gestion/{code}/revocar/"),
        ("post", f"/certificados/gestion/{code}/reemitir/"),
    ]


def test_only_admin_and_hr_manage_certificates(client, certificate, others, hr_user, admin_user):
    for user in others.values():
        client.force_login(user)
        for method, url in _urls(certificate):
            response = getattr(client, method)(url, {"revoke-reason": "x", "reissue-reason": "x"})
            assert response.status_code == 403, (user, url)
    for user in (hr_user, admin_user):
        client.force_login(user)
        for method, url in _urls(certificate)[:4]:
            assert getattr(client, method)(url).status_code == 200, (user, url)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    with pytest.raises(services.PermissionDenied):
        services.certificate_revoke(certificate=certificate, by=others["trainer"], reason="x")


def test_anonymous_users_are_sent_to_sign_in(client, certificate):
    response = client.get("/certificados/gestion/")
    assert response.status_code == 302
    assert "/cuenta/login/" in response["Location"]


def test_hr_revokes_with_a_reason(client, certificate, hr_user, django_capture_on_commit_callbacks):
    client.force_login(hr_user)
    mail.outbox.clear()
    url = f"/certificados/gestion/{certificate.code}/revocar/"
    response = client.post(url, {"revoke-reason": "  "}, follow=True)
    assert "Indique el motivo." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"revoke-reason": "Se detectó un fraude en la evaluación"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "Se detectó un fraude en la evaluación"
    entry = ModelLogEntry.objects.get(action="relevo.certificate_revoked")
    assert entry.user_id == hr_user.pk
    assert entry.data["reason"] == "Se detectó un fraude en la evaluación"
    assert mail.outbox[-1].to == [certificate.learner.email]
    assert "revocado" in mail.outbox[-1].subject
    assert not mail.outbox[-1].attachments

    # A revoked certificate cannot be revoked twice.
    response = client.post(url, {"revoke-reason": "otra vez"}, follow=True)
    assert "no está vigente" in response.content.decode()


def test_admin_reissues_and_keeps_the_old_one_as_history(
    client, certificate, admin_user, django_capture_on_commit_callbacks
):
    learner = certificate.learner
    learner.first_name = "María José"
    learner.save(update_fields=["first_name"])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/certificados/gestion/{certificate.code}/reemitir/",
            {"reissue-reason": "Corrección del nombre"},
        )
    new = Certificate.objects.exclude(pk=certificate.pk).get()
    assert response["Location"] == f"/certificados/gestion/{new.code}/"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED
    assert certificate.superseded_by == new
    assert new.status == Certificate.Status.ISSUED
    assert new.code != certificate.code
    assert new.learner_name.startswith("María José")
    assert new.completed_on == certificate.completed_on
    assert ModelLogEntry.objects.filter(action="relevo.certificate_reissued").count() == 1
    detail = client.get(f"/certificados/gestion/{new.code}/").content.decode()
    assert certificate.code in detail  # history
    assert mail.outbox[-1].attachments


def test_search_by_code_or_name_with_bounded_queries(
    client, hr_user, learner, issue, django_assert_max_num_queries
):
    first = issue(learner)
    client.force_login(hr_user)
    with django_assert_max_num_queries(12):
        response = client.get("/certificados/gestion/", {"q": first.code.lower()})
    assert first.code in response.content.decode()
    for _ in range(4):
        issue(learner)
    with django_assert_max_num_queries(12):
        response = client.get("/certificados/gestion/")
    assert response.content.decode().count("/certificados/gestion/") >= 5
    response = client.get("/certificados/gestion/", {"q": "nadie-se-llama-asi"})
    assert "Ningún certificado coincide." in response.content.decode()


def test_regenerating_a_course_shows_progress(
    client, admin_user, learner, make_user, course, issue, django_capture_on_commit_callbacks
):
    first = issue(learner, course)
    second = issue(make_user(Role.LEARNER), course)
    old_hashes = {first.pdf_sha256, second.pdf_sha256}
    from certificates.models import CertificateSettings

    template = CertificateSettings.load()
    template.signer_name = "Nueva firmante"
    template.save()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificados/gestion/regenerar/", {"course": course.pk})
    regeneration = CertificateRegeneration.objects.get()
    assert response["Location"] == f"/certificados/gestion/regenerar/{regeneration.pk}/"
    regeneration.refresh_from_db()
    assert (regeneration.status, regeneration.done, regeneration.total) == ("done", 2, 2)
    first.refresh_from_db()
    assert first.pdf_sha256 not in old_hashes
    assert first.hashes.count() == 2  # the first PDF still matches on upload
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    data = client.get(response["Location"] + "?format=json").json()
    assert data["percent"] == 100


def test_check_certificate_reports_what_an_outside_verifier_sees(certificate, hr_user):
    from io import StringIO

    from django.core.management import call_command

    from certificates import services

    out = StringIO()
    call_command("check_certificate", certificate.code, stdout=out)
    report = out.getvalue()
    assert "schema relevo_ob3_subset.schema.json: valid" in report
    assert "proof (eddsa-rdfc-2022): verified" in report
    assert "status list: in_force" in report
    assert "PDF signatures: valid (2 signatures" in report
    assert "PAdES long-term validation (pyHanko AdES): AdESPassed.OK" in report
    assert "PDF/A-3b claim in the XMP metadata: True" in report
    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    out = StringIO()
    call_command("check_certificate", certificate.code, stdout=out)
    assert "status list: revoked" in out.getvalue()
