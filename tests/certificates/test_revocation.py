"""Revocation reaches the credential (issue 15): status list, downloads, uploads, re-rendering."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openbadgeslib.ob3 import OB3VerificationError, OpenBadgeCredential
from openbadgeslib.ob3.status import check_credential_status, decode_encoded_list, set_indices

from certificates import credentials, services
from certificates.models import Certificate, CredentialStatusList
from tests.certificates.factories import make_course

pytestmark = pytest.mark.django_db


def _status_checker(client):
    """An independent verifier (openbadgeslib's Bitstring Status List reader) that fetches
    the list from this site."""

    def download(url: str) -> bytes:
        assert url.startswith("https://relevo.example.gob.ec/")
        response = client.get(url.removeprefix("https://relevo.example.gob.ec"))
        assert response.status_code == 200
        return response.content

    def check(document: dict) -> None:
        check_credential_status(OpenBadgeCredential.from_vc_document(document), download)

    return check


def _pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _upload(client, data: bytes):
    return client.post(
        "/verificar/documento/",
        {"document": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )


def test_revoking_sets_the_status_bit_that_a_verifier_reads(client, learner, issue, hr_user):
    certificate = issue(learner)
    other = issue(learner)
    check = _status_checker(client)
    check(certificate.credential)
    check(other.credential)
    assert credentials.credential_status_state(certificate.credential) == "in_force"

    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")

    with pytest.raises(OB3VerificationError, match="revocation"):
        check(certificate.credential)
    check(other.credential)  # one bit, one certificate
    assert credentials.credential_status_state(certificate.credential) == "revoked"
    assert credentials.credential_status_state(other.credential) == "in_force"


def test_the_bit_flips_in_the_revocations_transaction(learner, issue, hr_user):
    certificate = issue(learner)
    with (
        mock.patch("certificates.services.audit_log", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert credentials.credential_status_state(certificate.credential) == "in_force"
    assert not CredentialStatusList.objects.exists() or (
        credentials.credential_status_state(certificate.credential) == "in_force"
    )


def test_a_superseded_certificate_is_off_in_the_status_list(client, certificate, admin_user):
    new = services.certificate_reissue(certificate=certificate, by=admin_user, reason="Nombre")
    check = _status_checker(client)
    with pytest.raises(OB3VerificationError):
        check(certificate.credential)
    check(new.credential)
    assert new.status_list_index != certificate.status_list_index


def test_indexes_are_distinct_and_spread(learner, issue):
    indexes = {issue(learner).status_list_index for _ in range(4)}
    assert len(indexes) == 4 and None not in indexes


def test_the_list_is_re_signed_when_its_validity_runs_out(client, certificate, hr_user):
    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    row = CredentialStatusList.objects.get(number=0)
    first = row.credential
    CredentialStatusList.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    served = client.get("/verificar/estado/0/").json()
    refreshed = CredentialStatusList.objects.get(pk=row.pk).updated_at
    assert refreshed > timezone.now() - datetime.timedelta(days=1)
    assert datetime.datetime.fromisoformat(served["validUntil"]) > timezone.now()
    bits = [
        set_indices(decode_encoded_list(doc["credentialSubject"]["encodedList"]))
        for doc in (served, first)
    ]
    assert bits[0] == bits[1] == {certificate.status_list_index}


def test_the_learners_download_of_a_revoked_credential_says_so(client, learner, issue, hr_user):
    certificate = issue(learner)
    client.force_login(learner)
    url = f"/mis-certificados/{certificate.code}/credencial/"
    assert client.get(url).status_code == 200
    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    response = client.get(url)
    assert response.status_code == 410
    content = response.content.decode()
    assert 'data-state="revoked"' in content and "revocado" in content and "Fraude" in content


def test_the_learners_pdf_of_a_revoked_certificate_is_refused_with_its_status(
    client, learner, issue, hr_user
):
    from django.utils.formats import date_format
    from django.utils.translation import override

    certificate = issue(learner)
    client.force_login(learner)
    url = f"/mis-certificados/{certificate.code}/pdf/"
    assert client.get(url)["Content-Type"] == "application/pdf"
    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    certificate.refresh_from_db()
    response = client.get(url)
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")  # no PDF that looks valid
    content = response.content.decode()
    with override("es"):
        revoked_on = date_format(timezone.localtime(certificate.revoked_at), "DATE_FORMAT")
    assert f"fue revocado el {revoked_on}" in content and "Fraude" in content
    assert url not in client.get("/mis-certificados/").content.decode()


def test_re_rendering_never_re_signs_a_revoked_or_superseded_certificate(
    learner, issue, hr_user, admin_user
):
    revoked = issue(learner)
    services.certificate_revoke(certificate=revoked, by=hr_user, reason="Fraude")
    superseded = issue(learner)
    services.certificate_reissue(certificate=superseded, by=admin_user, reason="Nombre")
    for certificate in (revoked, superseded):
        certificate.refresh_from_db()
        before = (certificate.credential, certificate.pdf_sha256)
        assert services.certificate_rerender(certificate_id=certificate.pk) is False
        certificate.refresh_from_db()
        assert (certificate.credential, certificate.pdf_sha256) == before


def test_a_reissued_expired_certificate_is_valid_until_after_valid_from(
    learner, issue, admin_user, client
):
    """Decided: a reissue (say, a name correction) keeps the certified window, from the
    completion day to the expiry day, so it stays expired and never ends before it starts."""
    course = make_course(validity_months=1)
    certificate = issue(learner, course, completed_at=timezone.now() - datetime.timedelta(days=120))
    assert certificate.is_expired()
    new = services.certificate_reissue(certificate=certificate, by=admin_user, reason="Nombre")
    valid_from = datetime.datetime.fromisoformat(new.credential["validFrom"])
    valid_until = datetime.datetime.fromisoformat(new.credential["validUntil"])
    assert valid_until > valid_from
    assert timezone.localtime(valid_from).date() == certificate.completed_on
    assert timezone.localtime(valid_until).date() == certificate.expires_on == new.expires_on
    assert new.is_expired()
    assert client.get(f"/verificar/{new.code}/?format=json").json()["state"] == "expired"


def test_a_reissued_certificate_is_valid_after_it_starts(learner, issue, admin_user):
    certificate = issue(learner, make_course(validity_months=24))
    new = services.certificate_reissue(certificate=certificate, by=admin_user, reason="Nombre")
    valid_from = datetime.datetime.fromisoformat(new.credential["validFrom"])
    valid_until = datetime.datetime.fromisoformat(new.credential["validUntil"])
    assert valid_until > valid_from
    assert new.credential["awardedDate"] == certificate.credential["awardedDate"]


@pytest.mark.parametrize("state", ["revoked", "superseded", "expired"])
def test_an_uploaded_pdf_not_in_force_is_never_called_valid(
    client, learner, issue, hr_user, admin_user, state
):
    if state == "expired":
        certificate = issue(
            learner,
            make_course(validity_months=1),
            completed_at=timezone.now() - datetime.timedelta(days=120),
        )
    else:
        certificate = issue(learner)
    data = _pdf(certificate)
    if state == "revoked":
        services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    elif state == "superseded":
        services.certificate_reissue(certificate=certificate, by=admin_user, reason="Nombre")
    content = _upload(client, data).content.decode()
    assert f'data-state="{state}"' in content
    assert "Firma válida" not in content and "coincide con nuestro registro" not in content
    words = {"revoked": "revocado", "superseded": "reemplazado", "expired": "caducó"}[state]
    assert words in content.lower()


def test_the_public_documents_take_a_few_queries_whatever_the_number_of_certificates(
    client, learner, issue, hr_user, django_assert_max_num_queries
):
    first = issue(learner)
    for size in (1, 4):
        while Certificate.objects.count() < size:
            services.certificate_revoke(certificate=issue(learner), by=hr_user, reason="Fraude")
        with django_assert_max_num_queries(12):  # a list never published yet: signed once
            client.get("/verificar/estado/0/")
        with django_assert_max_num_queries(2):
            assert client.get("/verificar/estado/0/").status_code == 200
        with django_assert_max_num_queries(2):
            assert (
                client.get(f"/verificar/emisor/logros/curso/{first.course_id}/").status_code == 200
            )
        with django_assert_max_num_queries(2):
            assert client.get("/verificar/emisor/").status_code == 200


def test_the_list_offers_no_credential_download_for_a_revoked_certificate(
    client, learner, issue, hr_user
):
    certificate = issue(learner)
    client.force_login(learner)
    url = f"/mis-certificados/{certificate.code}/credencial/"
    assert url in client.get("/mis-certificados/").content.decode()
    services.certificate_revoke(certificate=certificate, by=hr_user, reason="Fraude")
    page = client.get("/mis-certificados/").content.decode()
    assert url not in page
    assert "Revocado" in page
