"""The annual training report ("Informe anual de capacitación"): the results matrix as a PDF
with each indicator's means of verification, signed with the institution's key."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import api as certificates_api


def report_pdf(*, rows, unit_name: str) -> bytes:
    from weasyprint import HTML  # heavy (cairo, pango): loaded only to render a PDF

    html = render_to_string(
        "quality/pdf/report.html",
        {"rows": rows, "unit_name": unit_name, "today": timezone.localdate()},
    )
    pdf = HTML(string=html).write_pdf()
    return certificates_api.pdf_sign(pdf=pdf, reason=_("Annual training report"))
