import zipfile

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EVIDENCE_EXTENSIONS

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class ManualValueForm(forms.Form):
    period = forms.DateField(
        label=_("Month (any day of it)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    evidence = forms.FileField(
        label=_("Evidence document"),
        help_text=_("Required: the document that verifies the value."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"]
        extension = evidence.name.rsplit(".", 1)[-1].lower() if "." in evidence.name else ""
        if extension not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(
                _("Allowed formats: %(formats)s.") % {"formats": ", ".join(EVIDENCE_EXTENSIONS)}
            )
        if evidence.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not _content_matches(evidence, extension):
            # Only the name was checked before: an HTML page named .png was stored.
            raise forms.ValidationError(
                _("The file's content is not a %(format)s file.") % {"format": extension.upper()}
            )
        return evidence


# The member every OOXML / OpenDocument file of that kind holds.
_ZIP_MEMBERS = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "odt": "mimetype",
    "ods": "mimetype",
}
_HTML_MARKS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml")


def _content_matches(upload, extension: str) -> bool:
    """Whether the bytes are of the kind the extension claims (magic bytes, Pillow's verify,
    the archive's members); the file is read from the start and rewound."""
    upload.seek(0)
    try:
        head = upload.read(2048)
        upload.seek(0)
        if extension == "pdf":
            return head.startswith(b"%PDF-")
        if extension in ("png", "jpg", "jpeg"):
            from PIL import Image

            try:
                with Image.open(upload) as image:
                    kind = image.format
                    image.verify()
            except Exception:
                return False
            return kind == ("PNG" if extension == "png" else "JPEG")
        if extension in _ZIP_MEMBERS:
            try:
                with zipfile.ZipFile(upload) as archive:
                    return _ZIP_MEMBERS[extension] in archive.namelist()
            except (zipfile.BadZipFile, OSError):
                return False
        if extension == "csv":
            lowered = head.lstrip().lower()
            return b"\0" not in head and not lowered.startswith(_HTML_MARKS)
        return False
    finally:
        upload.seek(0)
