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
    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert "Relevo – clave de desarrollo" in output

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(_flip_byte_in_signed_range(data))
    output = subprocess.run([PDFSIG, str(tampered)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in output
    assert "Digest Mismatch" in output


def test_pyhanko_validation_detects_a_flipped_byte(certificate):
    data = _pdf_bytes(certificate)
    good = check_pdf_signature(data)
    assert good.valid
    assert good.signer_certificate_sha256 == certificate.signer_certificate_sha256
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
