import re
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from certificates.rendering import qr_svg, render_certificate_html
from certificates.signing import check_pdf_signature

pytestmark = pytest.mark.django_db

PDFSIG = "/usr/bin/pdfsig"


def _pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _flip_byte_in_signed_range(data: bytes) -> bytes:
    from io import BytesIO

    signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
    byte_range = [int(n) for n in signature.sig_object["/ByteRange"]]
    start, length = byte_range[0], byte_range[1]
    position = start + length // 2  # inside the first signed range (the page content)
    tampered = bytearray(data)
    tampered[position] ^= 0x01
    return bytes(tampered)


@pytest.mark.skipif(not Path(PDFSIG).exists(), reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_reports_the_signature_valid_and_a_flipped_byte_invalid(certificate, tmp_path):
    data = _pdf_bytes(certificate)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(data)
    output = subprocess.run([PDFSIG, str(signed)], capture_output=True, text=True).stdout
    signature = output.split("Signature #2")[0]
    assert "Signature Validation: Signature is Valid." in signature
    # B-LTA: the DSS and the document timestamp follow the signature.
    assert "Signature #2" in output and "SelloRelevo" in output
    assert "Relevo – clave de desarrollo" in signature

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(_flip_byte_in_signed_range(data))
    output = subprocess.run([PDFSIG, str(tampered)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in output
    assert "Digest Mismatch" in output


def test_pyhanko_validation_detects_a_flipped_byte(certificate):
    data = _pdf_bytes(certificate)
    good = check_pdf_signature(data)
    assert good.valid, good.problem
    assert good.signer_certificate_sha256 == certificate.signer_certificate_sha256
    assert good.signatures == 2 and good.long_term
    assert abs((good.signing_time - certificate.issued_at).total_seconds()) < 600
    assert not check_pdf_signature(_flip_byte_in_signed_range(data)).valid
    assert not check_pdf_signature(data + b"\n% appended after signing\n").valid
    assert not check_pdf_signature(b"%PDF-1.7 not really").valid


@pytest.mark.skipif(not Path("/usr/bin/pdffonts").exists(), reason="poppler-utils missing")
def test_the_pdf_is_a4_landscape_with_embedded_fonts_and_the_content(certificate, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(_pdf_bytes(certificate))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d* pts \(A4\)", info), info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    font_lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_lines and all("DejaVu" in line for line in font_lines)
    assert all(" yes " in line for line in font_lines)  # "emb" column
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    content = " ".join(text.stdout.split())
    for expected in (
        certificate.learner_name,
        certificate.learner_identifier,
        certificate.course_title,
        certificate.code,
        "12 horas",
        "https://relevo.example.gob.ec/verificar/",
        "No caduca",
    ):
        assert expected in content


def test_the_qr_code_points_at_the_verification_page(certificate):
    html = render_certificate_html(certificate)
    assert certificate.verification_url() == (
        f"https://relevo.example.gob.ec/verificar/{certificate.code}/"
    )
    assert qr_svg(certificate.verification_url()) in html


def test_template_data_from_wagtail_settings_and_the_learners_language(certificate):
    from certificates.models import CertificateSettings

    template = CertificateSettings.load()
    template.institution_name = "Cancillería del Ecuador"
    template.signer_name = "Ana Torres"
    template.signer_title_es = "Directora de Talento Humano"
    template.signer_title_en = "Director of Human Resources"
    template.heading_en = "Certificate of achievement"
    template.save()
    spanish = render_certificate_html(certificate)
    assert "Cancillería del Ecuador" in spanish
    assert "Directora de Talento Humano" in spanish
    english = render_certificate_html(certificate, language="en")
    assert "Certificate of achievement" in english
    assert "Director of Human Resources" in english


def test_the_score_line_appears_only_with_a_score(certificate):
    from decimal import Decimal

    assert "puntaje" not in render_certificate_html(certificate)
    certificate.score = Decimal("87.50")
    assert "puntaje 87,50 %" in render_certificate_html(certificate)


def test_pyhanko_validates_the_pdf_as_pades_b_lta(certificate):
    from io import BytesIO

    from pyhanko.sign.validation.ades import AdESPassed
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from certificates.signing import long_term_validation

    data = _pdf_bytes(certificate)
    result = long_term_validation(data)
    reader = PdfFileReader(BytesIO(data))
    assert result.ades_subindic == AdESPassed.OK
    # A signature timestamp, validation data in the DSS, a document timestamp after them.
    assert result.api_status.timestamp_validity is not None
    assert result.api_status.timestamp_validity.trusted
    assert result.oldest_evidence_record_timestamp is not None
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2  # the signer's and the TSA's certificates
    kinds = [s.sig_object.get("/Type") for s in reader.embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]
    assert result.api_status.coverage == SignatureCoverageLevel.ENTIRE_REVISION


def test_the_pdf_claims_pdf_a_3b_and_stays_pdf_1_7(certificate):
    from io import BytesIO

    data = _pdf_bytes(certificate)
    reader = PdfFileReader(BytesIO(data))
    xmp = reader.root["/Metadata"].get_object().data.decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert data.startswith(b"%PDF-1.7")
    assert "/Version" not in reader.root  # signing did not raise it to PDF 2.0
    intent = reader.root["/OutputIntents"][0]
    assert intent["/S"] == "/GTS_PDFA1"
    assert check_pdf_signature(data).valid


def test_a_signature_by_an_untrusted_key_is_invalid_even_when_intact(
    certificate, settings, tmp_path
):
    """The upload check trusts the institution's certificates, not the one the file carries."""
    from certificates import signing
    from certificates.rendering import render_certificate_pdf

    pdf = render_certificate_pdf(certificate)
    settings.CERTIFICATE_DEV_KEY_DIR = tmp_path  # another development key and test TSA
    signing._loaded.clear()
    forged = signing.sign_pdf(pdf, key=signing.signing_key(), reason="x")
    settings.CERTIFICATE_DEV_KEY_DIR = Path(signing.settings.BASE_DIR) / "var" / "test-keys"
    signing._loaded.clear()
    check = check_pdf_signature(forged)
    assert not check.valid and "trusted" in check.problem


def test_an_unreachable_tsa_leaves_the_certificate_pending(learner, settings):
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from certificates.signing import TimestampAuthorityUnreachable
    from tests.certificates.factories import completed_enrolment, make_course

    settings.CERTIFICATE_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens on port 9
    settings.CERTIFICATE_TSA_TIMEOUT = 2
    enrolment = completed_enrolment(learner, make_course())
    with pytest.raises(TimestampAuthorityUnreachable) as caught:
        certificate_issue(enrolment_id=enrolment.pk)
    assert isinstance(caught.value, OSError)  # the task's autoretry_for: retried, with backoff
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


def test_production_without_a_tsa_refuses_to_sign_and_warns_at_deploy_check(settings):
    from certificates import checks, signing

    settings.CERTIFICATE_TSA_URL = ""
    settings.CERTIFICATE_ALLOW_DEV_KEY = False
    settings.DEBUG = False
    with pytest.raises(signing.TimestampUnavailable):
        signing.timestamper()
    assert [m.id for m in checks.timestamp_authority_configured()] == ["certificates.W002"]
    settings.CERTIFICATE_TSA_URL = "https://tsa.example.gob.ec/tsa"
    assert checks.timestamp_authority_configured() == []
