from django import forms
from django.utils.translation import gettext_lazy as _

from core.api import ChoiceIdsGuard
from courses.api import CoursePage

from .codes import normalise_code

MAX_PDF_BYTES = 5 * 1024 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-23."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A code has ten letters and digits, like ABCD-EFGH-23."))
        return code


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The PDF file of the certificate, as received (at most 5 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("This file is not a PDF."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log and sent to the learner."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.prefix == "revoke":
            self.fields["reason"].help_text = _(
                "Recorded in the audit log and sent to the learner. The public verification "
                "page shows only that the certificate was revoked and when, never this reason."
            )


class RegenerationForm(ChoiceIdsGuard, forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        help_text=_(
            "Every current certificate of the course is rendered and signed again with the "
            "present template and key; codes and contents stay the same."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (
            CoursePage.objects.filter(certificates__isnull=False).distinct().order_by("title")
        )
