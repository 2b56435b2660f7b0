import datetime
import hashlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import make_course

pytestmark = pytest.mark.django_db


def _pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def test_a_valid_certificate(client, certificate):
    response = client.get(f"/verificar/{certificate.code}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Este certificado es válido." in content
    assert certificate.learner_name in content
    assert certificate.course_title in content
    assert "Firmado con clave de desarrollo" in content
    # Only name, course, hours and dates: no identification, no e-mail.
    assert certificate.learner_identifier not in content
    assert certificate.learner.email not in content


def test_codes_are_accepted_as_people_type_them(client, certificate):
    typed = certificate.code.lower().replace("-", "")
    assert client.get(f"/verificar/{typed}/").status_code == 200
    response = client.get("/verificar/", {"code": f" {certificate.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verificar/{certificate.code}/"


def test_an_expired_certificate_says_since_when(client, learner, issue):
    completed = timezone.now() - datetime.timedelta(days=800)
    certificate = issue(learner, make_course(validity_months=12), completed_at=completed)
    response = client.get(f"/verificar/{certificate.code}/")
    content = response.content.decode()
    assert 'data-state="expired"' in content
    assert "Este certificado caducó el" in content
    data = client.get(f"/verificar/{certificate.code}/", {"format": "json"}).json()
    assert data["state"] == "expired"
    assert data["expires_on"] == certificate.expires_on.isoformat()


def test_a_revoked_certificate_says_when_but_never_why(client, certificate, hr_user):
    reason = "Sumario administrativo por fraude"
    services.certificate_revoke(certificate=certificate, by=hr_user, reason=reason)
    content = client.get(f"/verificar/{certificate.code}/").content.decode()
    assert 'data-state="revoked"' in content
    assert "Este certificado fue revocado el" in content
    assert reason not in content
    data = client.get(f"/verificar/{certificate.code}/?format=json").json()
    assert data["state"] == "revoked"
    assert data["revoked_on"] == timezone.localdate().isoformat()
    assert "revocation_reason" not in data
    assert reason not in str(data)
    # The uploaded file of a revoked certificate does not show it either.
    upload = SimpleUploadedFile("c.pdf", _pdf(certificate), content_type="application/pdf")
    content = client.post("/verificar/documento/", {"document": upload}).content.decode()
    assert 'data-state="revoked"' in content
    assert reason not in content


def test_the_holder_and_hr_still_see_the_reason(client, certificate, hr_user):
    reason = "Sumario administrativo por fraude"
    services.certificate_revoke(certificate=certificate, by=hr_user, reason=reason)
    client.force_login(certificate.learner)
    assert reason in client.get("/mis-certificados/").content.decode()
    client.force_login(hr_user)
    page = client.get(f"/certificados/gestion/{certificate.code}/")
    assert page.status_code == 200
    assert reason in page.content.decode()


def test_a_superseded_certificate_is_not_in_force(client, certificate, admin_user):
    services.certificate_reissue(certificate=certificate, by=admin_user, reason="Nombre corregido")
    data = client.get(f"/verificar/{certificate.code}/?format=json").json()
    assert data["state"] == "superseded"


@pytest.mark.parametrize(
    "code",
    ["ABCD-EFGH-23", "zzzz", "ABCD-EFGH-0O", "%27%20OR%201%3D1--", "x" * 39, "ÑÑÑÑ-ÑÑÑÑ-ÑÑ"],
)
def test_unknown_and_garbled_codes_answer_unknown_without_leaking(client, certificate, code):
    response = client.get(f"/verificar/{code}/")
    assert response.status_code == 404
    content = response.content.decode()
    assert 'data-state="unknown"' in content
    assert certificate.learner_name not in content
    data = client.get(f"/verificar/{code}/?format=json").json()
    assert data == {"state": "unknown"}


def test_garbled_codes_never_reach_the_database(client, certificate):
    with CaptureQueriesContext(connection) as queries:
        client.get("/verificar/no-es-un-codigo/?format=json")
    assert not [q for q in queries.captured_queries if "certificates_certificate" in q["sql"]]


def test_verification_runs_a_constant_small_number_of_queries(
    client, learner, issue, django_assert_max_num_queries
):
    first = issue(learner)
    with django_assert_max_num_queries(3):
        assert client.get(f"/verificar/{first.code}/?format=json").status_code == 200
    with django_assert_max_num_queries(3):
        client.get(f"/verificar/{first.code}/")
    for _ in range(3):
        issue(learner)
    last = Certificate.objects.order_by("-pk").first()
    with django_assert_max_num_queries(3):
        client.get(f"/verificar/{last.code}/")
    with django_assert_max_num_queries(3):
        client.get("/verificar/ABCD-EFGH-23/")


def test_anonymised_holder(client, certificate):
    services.certificate_anonymise(learner=certificate.learner)
    content = client.get(f"/verificar/{certificate.code}/").content.decode()
    assert "titular anonimizado" in content
    assert certificate.learner_name not in content
    assert client.get(f"/verificar/{certificate.code}/?format=json").json()["anonymised"] is True


def test_verification_is_rate_limited(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(f"/verificar/{certificate.code}/").status_code == 200
    response = client.get(f"/verificar/{certificate.code}/")
    assert response.status_code == 429
    assert "Demasiadas verificaciones" in response.content.decode()
    assert client.get(f"/verificar/{certificate.code}/?format=json").status_code == 429


def test_the_rate_limit_fails_open_when_the_cache_is_down(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE = 1
    with mock.patch("certificates.ratelimit.cache.incr", side_effect=ValueError("down")):
        for _ in range(3):
            assert client.get(f"/verificar/{certificate.code}/").status_code == 200


# --- Uploaded PDF ---------------------------------------------------------------------------


def _upload(client, data: bytes, name="certificado.pdf"):
    return client.post(
        "/verificar/documento/",
        {"document": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_an_untouched_pdf_matches_its_record(client, certificate):
    response = _upload(client, _pdf(certificate))
    content = response.content.decode()
    assert 'data-outcome="match"' in content
    assert 'data-state="valid"' in content
    assert certificate.code in content


def test_an_edited_pdf_is_reported_as_invalid_signature(client, certificate):
    data = bytearray(_pdf(certificate))
    position = data.index(b"stream") + 40  # inside the signed page content
    data[position] ^= 0x01
    content = _upload(client, bytes(data)).content.decode()
    assert 'data-outcome="invalid_signature"' in content
    assert "Firma no válida" in content


def test_a_forged_pdf_without_signature_is_invalid(client, certificate):
    from certificates.rendering import render_certificate_pdf

    unsigned = render_certificate_pdf(certificate)
    content = _upload(client, unsigned).content.decode()
    assert "Firma no válida" in content


def test_a_validly_signed_pdf_we_never_issued_has_no_record(client, certificate):
    from certificates.rendering import render_certificate_pdf
    from certificates.signing import sign_pdf, signing_key

    other = sign_pdf(render_certificate_pdf(certificate), key=signing_key(), reason="x")
    assert hashlib.sha256(other).hexdigest() != certificate.pdf_sha256
    content = _upload(client, other).content.decode()
    assert 'data-outcome="no_record"' in content


def test_an_uploaded_copy_still_matches_after_anonymisation(client, certificate):
    data = _pdf(certificate)
    services.certificate_anonymise(learner=certificate.learner)
    content = _upload(client, data).content.decode()
    assert 'data-outcome="match"' in content


def test_bad_uploads_get_a_clear_message(client, certificate):
    content = _upload(client, b"hola", name="x.pdf").content.decode()
    assert "Este archivo no es un PDF." in content
    content = client.post("/verificar/documento/", {}).content.decode()
    assert "Este campo es necesario." in content
