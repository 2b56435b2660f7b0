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
        return evidence
