"""The certificate as a PDF/A-3b: an HTML/CSS template rendered by WeasyPrint (A4 landscape,
DejaVu fonts embedded), with a QR code to the public verification page."""

import base64
import mimetypes

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from .models import Certificate, CertificateSettings

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#000")


def _logo_data_uri(settings_row: CertificateSettings) -> str:
    image = settings_row.logo
    if image is None:
        return ""
    try:
        with image.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(image.file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def certificate_language(certificate: Certificate) -> str:
    language = (certificate.learner.language or "es")[:2]
    return language if language in {"es", "en"} else "es"


def render_certificate_html(certificate: Certificate, *, language: str | None = None) -> str:
    language = language or certificate_language(certificate)
    template = CertificateSettings.load()
    with translation.override(language):
        context = {
            "certificate": certificate,
            "language": language,
            "institution": template.institution,
            "logo": _logo_data_uri(template),
            "colour": template.primary_colour,
            "heading": template.localised("heading", language),
            "wording": template.localised("wording", language),
            "signer_name": template.signer_name,
            "signer_title": template.localised("signer_title", language),
            "completed_on": date_format(certificate.completed_on, "DATE_FORMAT"),
            "expires_on": date_format(certificate.expires_on, "DATE_FORMAT")
            if certificate.expires_on
            else "",
            "hours": f"{certificate.hours.normalize():f}",
            "verification_url": certificate.verification_url(),
            "qr": mark_safe(qr_svg(certificate.verification_url())),
            "font_dir": FONT_DIR,
        }
        return render_to_string("certificates/pdf/certificate.html", context)


def render_certificate_pdf(certificate: Certificate, *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_certificate_html(certificate, language=language)
    # PDF/A-3b, what archives of public records expect (XMP pdfaid claim, sRGB output intent,
    # embedded fonts); signing appends incremental updates, which PDF/A allows.
    return HTML(string=html, base_url=FONT_DIR).write_pdf(
        pdf_identifier=certificate.uuid.hex.encode(),
        uncompressed_pdf=False,
        pdf_variant="pdf/a-3b",
    )
