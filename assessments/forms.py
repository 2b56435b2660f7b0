from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_text_upload

from . import grading
from .models import QuestionCategory

MAX_IMPORT_BYTES = 2 * 1024 * 1024
FORMAT_CHOICES = [("gift", "GIFT (Moodle)"), ("aiken", "Aiken")]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A .txt or .gift file in UTF-8, up to 2 MB.")
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    category = forms.CharField(
        label=_("Category"),
        max_length=500,
        required=False,
        help_text=_(
            'Path such as "Seguridad/EGSI". Categories in the file ($CATEGORY) go beneath it.'
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_text_upload(upload, max_bytes=MAX_IMPORT_BYTES)
        try:
            self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."))
        return upload


class ImportConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES, strip=False)
    format = forms.ChoiceField(widget=forms.HiddenInput, choices=FORMAT_CHOICES)
    category = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)


class ExportForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=QuestionCategory.objects.all())
    include_subcategories = forms.BooleanField(
        label=_("Include subcategories"), required=False, initial=True
    )


class InvalidPost(ValueError):
    pass


def responses_from_post(answers, data) -> dict[int, dict | None]:
    """Read the attempt form: `q<slot>` (choice ids, "true"/"false", text) and `q<slot>-<pair>`
    for matching. Raises InvalidPost for a field naming a slot that is not in the attempt."""
    by_slot = {a.slot: a for a in answers}
    for key in data:
        if key.startswith("q"):
            slot_text = key[1:].split("-", 1)[0]
            if not slot_text.isdigit() or int(slot_text) not in by_slot:
                raise InvalidPost(key)
    responses: dict[int, dict | None] = {}
    for slot, answer in by_slot.items():
        qtype = answer.version.qtype
        name = f"q{slot}"
        if qtype in grading.CHOICE_TYPES:
            chosen = data.getlist(name)
            responses[slot] = {"choices": chosen} if chosen else None
        elif qtype == grading.TRUEFALSE:
            value = data.get(name)
            if value in (None, ""):
                responses[slot] = None
            elif value in ("true", "false"):
                responses[slot] = {"value": value == "true"}
            else:
                responses[slot] = {"value": value}  # refused by the service as tampering
        elif qtype in (grading.SHORT, grading.NUMERIC):
            responses[slot] = {"text": data.get(name, "")}
        elif qtype == grading.MATCHING:
            prefix = f"{name}-"
            pairs = {key[len(prefix) :]: data.get(key) for key in data if key.startswith(prefix)}
            responses[slot] = {"pairs": pairs} if pairs else None
    return responses
