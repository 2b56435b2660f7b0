from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.api import ChoiceIdsGuard, validate_text_upload
from courses.api import CoursePage

from . import grading, rules, selectors
from .layout import keys_by_token
from .models import QuestionCategory

MAX_IMPORT_BYTES = 2 * 1024 * 1024
FORMAT_CHOICES = [("gift", "GIFT (Moodle)"), ("aiken", "Aiken")]


class ImportUploadForm(ChoiceIdsGuard, forms.Form):
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
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."))
        if "\x00" in text:
            raise ValidationError(_("The file contains a NUL character: it is not a text file."))
        self.cleaned_data["text"] = text
        return upload


class ImportConfirmForm(ChoiceIdsGuard, forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_IMPORT_BYTES, strip=False)
    format = forms.ChoiceField(widget=forms.HiddenInput, choices=FORMAT_CHOICES)
    category = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    course = forms.ModelChoiceField(
        widget=forms.HiddenInput, required=False, queryset=CoursePage.objects.none()
    )


class CourseChoiceMixin:
    """The course new categories belong to: one the user owns; only administrators may leave
    it empty (a shared category)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.courses_for_quizzes(user)
        self.fields["course"].required = not rules.is_admin(user)


class ImportUploadCourseForm(CourseChoiceMixin, ImportUploadForm):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        help_text=_("The course whose trainers own the imported questions."),
    )


class ImportConfirmCourseForm(CourseChoiceMixin, ImportConfirmForm):
    pass


class ExportForm(ChoiceIdsGuard, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=QuestionCategory.objects.none())
    include_subcategories = forms.BooleanField(
        label=_("Include subcategories"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_visible_to(user)


class InvalidPost(ValueError):
    """A field the attempt page could not have sent; `message` says so to the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def responses_from_post(attempt, answers, data) -> dict[int, dict | None]:
    """Read the attempt form: `q<slot>` (option tokens, "true"/"false", text) and
    `q<slot>-<pair>` (an option token) for matching. Tokens are mapped back to the internal
    keys of the attempt's layout here; a token this attempt did not issue (guessed, written by
    hand, or copied from another attempt) raises InvalidPost, as does a slot that is not in it."""
    by_slot = {a.slot: a for a in answers}
    layout = {entry["slot"]: entry for entry in attempt.layout}
    if any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data):
        # PostgreSQL cannot store NUL in text (a 500 there before): refuse it with a message.
        raise InvalidPost(
            _("An answer contains a NUL character, which cannot be saved. Remove it and try again.")
        )
    for key in data:
        if key.startswith("q"):
            slot_text = key[1:].split("-", 1)[0]
            if not slot_text.isdigit() or int(slot_text) not in by_slot:
                raise InvalidPost(_("A question that is not part of this attempt was sent."))
    responses: dict[int, dict | None] = {}
    for slot, answer in by_slot.items():
        qtype = answer.version.qtype
        name = f"q{slot}"
        keys = keys_by_token(layout.get(slot, {}))

        def key_of(token: str, slot: int = slot, keys: dict = keys) -> str:
            if token not in keys:
                raise InvalidPost(
                    _("The answer to question %(number)s does not belong to that question.")
                    % {"number": slot + 1}
                )
            return keys[token]

        if qtype in grading.CHOICE_TYPES:
            chosen = [key_of(token) for token in data.getlist(name)]
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
            pairs = {
                key[len(prefix) :]: key_of(data[key]) if data.get(key) else ""
                for key in data
                if key.startswith(prefix)
            }
            responses[slot] = {"pairs": pairs} if pairs else None
    return responses
