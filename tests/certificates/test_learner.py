import pytest

from certificates.models import Certificate
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_my_certificates_lists_mine_with_downloads(
    client, learner, issue, django_assert_max_num_queries
):
    mine = issue(learner)
    client.force_login(learner)
    with django_assert_max_num_queries(8):
        response = client.get("/mis-certificados/")
    content = response.content.decode()
    assert mine.code in content
    assert f"/mis-certificados/{mine.code}/pdf/" in content
    assert f"/mis-certificados/{mine.code}/credencial/" in content
    for _ in range(3):
        issue(learner)
    with django_assert_max_num_queries(8):
        client.get("/mis-certificados/")


def test_the_nav_item_is_for_signed_in_users(client, learner):
    assert 'data-nav="my-certificates"' not in client.get("/verificar/").content.decode()
    client.force_login(learner)
    assert 'data-nav="my-certificates"' in client.get("/verificar/").content.decode()


def test_downloads_of_my_own_certificate(client, learner, issue):
    certificate = issue(learner)
    client.force_login(learner)
    response = client.get(f"/mis-certificados/{certificate.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(f"/mis-certificados/{certificate.code}/credencial/")
    assert response.status_code == 200
    assert response.json()["id"] == f"urn:uuid:{certificate.uuid}"
    assert "attachment" in response["Content-Disposition"]


def test_a_learner_cannot_download_another_learners_certificate(client, learner, make_user, issue):
    other = issue(make_user(Role.LEARNER))
    issue(learner)
    client.force_login(learner)
    assert client.get(f"/mis-certificados/{other.code}/pdf/").status_code == 404
    assert client.get(f"/mis-certificados/{other.code}/credencial/").status_code == 404
    assert client.get("/mis-certificados/garbage/pdf/").status_code == 404


def test_anonymous_users_must_sign_in(client, certificate):
    response = client.get(f"/mis-certificados/{certificate.code}/pdf/")
    assert response.status_code == 302


def test_anonymisation_deletes_the_pdf_and_keeps_the_hash(
    client, certificate, django_capture_on_commit_callbacks
):
    from certificates.services import certificate_anonymise

    storage = certificate.pdf.storage
    name = certificate.pdf.name
    sha = certificate.pdf_sha256
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_anonymise(learner=certificate.learner) == 1
    certificate.refresh_from_db()
    assert certificate.anonymised
    assert not certificate.pdf
    assert certificate.pdf_sha256 == sha
    assert certificate.learner_name == ""
    assert certificate.shown_name == "titular anonimizado"
    client.force_login(certificate.learner)
    assert client.get(f"/mis-certificados/{certificate.code}/pdf/").status_code == 404
    assert Certificate.objects.filter(anonymised=True).count() == 1
    assert not storage.exists(name)  # deleted once the anonymisation committed


def test_behind_nginx_the_download_is_handed_to_the_proxy_after_the_check(
    client, learner, make_user, issue, settings
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    certificate = issue(learner)
    client.force_login(learner)
    response = client.get(f"/mis-certificados/{certificate.code}/pdf/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{certificate.pdf.name}"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificado-{certificate.code}.pdf"'
    )
    assert response.content == b""  # the bytes come from nginx, not from a gunicorn thread
    # The permission check still comes first: someone else's certificate is never handed over.
    other = issue(make_user(Role.LEARNER))
    response = client.get(f"/mis-certificados/{other.code}/pdf/")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    # A file gone from disk is a 404, not an nginx error.
    certificate.pdf.storage.delete(certificate.pdf.name)
    assert client.get(f"/mis-certificados/{certificate.code}/pdf/").status_code == 404


def test_a_certificate_issued_without_its_pdf_renders_it_at_the_first_download(
    client, learner, course
):
    from certificates.models import CertificatePdfHash
    from certificates.services import certificate_issue
    from certificates.signing import check_pdf_signature
    from tests.certificates.factories import completed_enrolment

    enrolment = completed_enrolment(learner, course)
    certificate = certificate_issue(enrolment_id=enrolment.pk, notify=False, render_pdf=False)
    assert not certificate.pdf
    assert certificate.pdf_pending
    assert certificate.credential["id"] == f"urn:uuid:{certificate.uuid}"
    assert not CertificatePdfHash.objects.filter(certificate=certificate).exists()

    client.force_login(learner)
    assert (
        f"/mis-certificados/{certificate.code}/pdf/"
        in client.get("/mis-certificados/").content.decode()
    )
    response = client.get(f"/mis-certificados/{certificate.code}/pdf/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert check_pdf_signature(data).valid
    certificate.refresh_from_db()
    assert certificate.pdf and not certificate.pdf_pending
    assert CertificatePdfHash.objects.filter(certificate=certificate).count() == 1
    # The second download serves the stored file: the same bytes, nothing rendered again.
    again = b"".join(client.get(f"/mis-certificados/{certificate.code}/pdf/").streaming_content)
    assert again == data
