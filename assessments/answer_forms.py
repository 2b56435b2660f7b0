"""The answers part of the question form: one small form or formset per question type.

Trainers fill in rows (choices with their credit and feedback, accepted answers, numbers with
tolerance, matching pairs) and a true/false toggle; `QuestionAnswers.build` turns the rows of the
chosen type into the `Question.data` shape that grading reads (see grading.py), so nobody types
JSON. Credit is entered as a percentage (Moodle's "100 %", "-50 %") and stored as a fraction.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import count

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import SwitchInput

from . import grading

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
EXTRA_ROWS = {grading.SINGLE: 4, grading.SHORT: 2, grading.NUMERIC: 1, grading.MATCHING: 3}


def credit_field(initial: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Credit (%)"),
        initial=initial,
        min_value=Decimal("-100"),
        max_value=Decimal("100"),
        max_digits=10,
        decimal_places=7,
        widget=forms.NumberInput(attrs={"step": "any", "class": "answers__credit"}),
        error_messages={
            "min_value": _("The credit must be between -100 %% and 100 %%."),
            "max_value": _("The credit must be between -100 %% and 100 %%."),
        },
    )


def feedback_field() -> forms.CharField:
    return forms.CharField(label=_("Feedback"), required=False, max_length=2000)


class ChoiceRow(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Choice"), max_length=2000)
    fraction = credit_field(0)
    feedback = feedback_field()


class ShortAnswerRow(forms.Form):
    text = forms.CharField(
        label=_("Accepted answer"),
        max_length=500,
        help_text=_("* matches any characters."),
    )
    fraction = credit_field(100)
    feedback = feedback_field()


class NumericAnswerRow(forms.Form):
    value = forms.FloatField(
        label=_("Answer"), widget=forms.NumberInput(attrs={"step": "any"}), max_value=1e15
    )
    tolerance = forms.FloatField(
        label=_("Tolerance (±)"),
        initial=0,
        max_value=1e15,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
    )
    fraction = credit_field(100)
    feedback = feedback_field()

    def clean_tolerance(self):
        tolerance = self.cleaned_data["tolerance"]
        if tolerance < 0:
            raise ValidationError(_("The tolerance cannot be negative."))
        return tolerance


class PairRow(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    left = forms.CharField(label=_("Item"), max_length=1000)
    right = forms.CharField(label=_("Matches"), max_length=1000)


class RowFormSet(forms.BaseFormSet):
    """Rows left blank are ignored (whether shown filled in or added), and so are rows marked
    for removal."""

    def _construct_form(self, i, **kwargs):
        return super()._construct_form(i, empty_permitted=True, **kwargs)

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class ChoiceFormSet(RowFormSet):
    single = True

    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        if len(rows) < 2:
            raise ValidationError(_("Write at least two choices."))
        fractions = [row["fraction"] for row in rows]
        if self.single:
            if any(f < 0 for f in fractions):
                raise ValidationError(_("A single-choice question cannot take credit away."))
            if not any(f == 100 for f in fractions):
                raise ValidationError(_("At least one choice must be worth 100 %."))
        elif not any(f > 0 for f in fractions):
            raise ValidationError(_("At least one choice must earn credit."))
        elif abs(sum(f for f in fractions if f > 0) - 100) > Decimal("0.1"):
            raise ValidationError(_("The credits of the correct choices must add up to 100 %."))


class ShortAnswerFormSet(RowFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise ValidationError(_("Write at least one accepted answer."))
        if not any(row["fraction"] > 0 for row in rows):
            raise ValidationError(_("At least one answer must earn credit."))


class NumericAnswerFormSet(ShortAnswerFormSet):
    pass


class PairFormSet(RowFormSet):
    def clean(self):
        if any(self.errors):
            return
        if len(self.rows()) < 2:
            raise ValidationError(_("Write at least two pairs."))


def _formset(form, formset, qtype):
    return forms.formset_factory(form, formset=formset, extra=EXTRA_ROWS[qtype], can_delete=True)


FORMSETS = {
    "choices": (_formset(ChoiceRow, ChoiceFormSet, grading.SINGLE), grading.CHOICE_TYPES),
    "short": (_formset(ShortAnswerRow, ShortAnswerFormSet, grading.SHORT), (grading.SHORT,)),
    "numeric": (
        _formset(NumericAnswerRow, NumericAnswerFormSet, grading.NUMERIC),
        (grading.NUMERIC,),
    ),
    "pairs": (_formset(PairRow, PairFormSet, grading.MATCHING), (grading.MATCHING,)),
}


class AnswerFields(forms.Form):
    """The answers settings that are not rows (one set per type, only the chosen one is read)."""

    tf_answer = forms.BooleanField(
        label=_("The correct answer is “True”"), required=False, widget=SwitchInput
    )
    tf_feedback_true = forms.CharField(
        label=_("Feedback for “True”"), required=False, max_length=2000
    )
    tf_feedback_false = forms.CharField(
        label=_("Feedback for “False”"), required=False, max_length=2000
    )
    short_case_sensitive = forms.BooleanField(
        label=_("Upper and lower case must match"), required=False, widget=SwitchInput
    )
    short_lenient_matching = forms.BooleanField(
        label=_("Also ignore accents and repeated spaces, and take the best match"),
        help_text=_(
            "Off: answers are compared as Moodle does (exactly, * as a wildcard, the first "
            "matching answer in order). On: the rule of questions written before that."
        ),
        required=False,
        widget=SwitchInput,
    )
    numeric_wrong_feedback = forms.CharField(
        label=_("Feedback for any other number"), required=False, max_length=2000
    )
    matching_extra_rights = forms.CharField(
        label=_("Extra wrong options"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: offered in every list, they match no item."),
    )


def _percent(fraction) -> Decimal:
    return (Decimal(str(fraction)) * 100).quantize(Decimal("0.0000001")).normalize()


def _fraction(percent: Decimal) -> float:
    return round(float(percent) / 100, 7)


def initial_from_data(qtype: str, data: dict) -> tuple[dict, dict[str, list[dict]]]:
    """The fields and rows showing a question's stored data."""
    data = data or {}
    fields: dict = {}
    rows: dict[str, list[dict]] = {}
    if qtype in grading.CHOICE_TYPES:
        rows["choices"] = [
            {
                "id": c.get("id", ""),
                "text": c.get("text", ""),
                "fraction": _percent(c.get("fraction", 0)),
                "feedback": c.get("feedback", ""),
            }
            for c in data.get("choices", [])
        ]
    elif qtype == grading.TRUEFALSE:
        fields = {
            "tf_answer": bool(data.get("answer", True)),
            "tf_feedback_true": data.get("feedback_true", ""),
            "tf_feedback_false": data.get("feedback_false", ""),
        }
    elif qtype == grading.SHORT:
        fields = {
            "short_case_sensitive": bool(data.get("case_sensitive")),
            "short_lenient_matching": bool(data.get("lenient_matching")),
        }
        rows["short"] = [
            {
                "text": a.get("text", ""),
                "fraction": _percent(a.get("fraction", 1)),
                "feedback": a.get("feedback", ""),
            }
            for a in data.get("answers", [])
        ]
    elif qtype == grading.NUMERIC:
        fields = {"numeric_wrong_feedback": data.get("wrong_feedback", "")}
        numeric = []
        for a in data.get("answers", []):
            if "min" in a:  # a range (GIFT's 1..5) is a value with its tolerance
                low, high = float(a["min"]), float(a["max"])
                value, tolerance = (low + high) / 2, (high - low) / 2
            else:
                value, tolerance = float(a.get("value", 0)), float(a.get("tolerance", 0))
            numeric.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "fraction": _percent(a.get("fraction", 1)),
                    "feedback": a.get("feedback", ""),
                }
            )
        rows["numeric"] = numeric
    elif qtype == grading.MATCHING:
        fields = {"matching_extra_rights": "\n".join(data.get("extra_rights", []))}
        rows["pairs"] = [
            {"id": p.get("id", ""), "left": p.get("left", ""), "right": p.get("right", "")}
            for p in data.get("pairs", [])
        ]
    return fields, rows


def _with_ids(rows: list[dict], prefix: str, reserved: set[str]) -> list[str]:
    """Keep the ids of existing rows (attempts and statistics refer to them); new rows, and
    any id that is malformed or repeated, get a fresh one, never one of a removed row
    (`reserved`), so that an old answer never points at a new text."""
    used: set[str] = set()
    ids: list[str | None] = []
    for row in rows:
        key = row.get("id") or ""
        ok = bool(ID_PATTERN.match(key)) and key not in used
        ids.append(key if ok else None)
        if ok:
            used.add(key)
    taken = used | reserved
    fresh = (f"{prefix}{n}" for n in count() if f"{prefix}{n}" not in taken)
    return [key or next(fresh) for key in ids]


def _sent_ids(formset) -> set[str]:
    return {
        form.cleaned_data["id"]
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("id")
    }


class QuestionAnswers:
    """The answers forms of one question form, bound to the same POST data."""

    def __init__(self, *, data=None, qtype: str = "", stored: dict | None = None):
        fields, rows = initial_from_data(qtype, stored or {})
        bound = data is not None
        self.fields = AnswerFields(
            data if bound else None, initial=None if bound else fields, prefix="answers"
        )
        self.formsets = {
            name: formset_class(
                data if bound else None,
                prefix=f"answers-{name}",
                # Bound rows are read as sent: a row is kept when it is not blank.
                initial=None if bound else rows.get(name) or None,
            )
            for name, (formset_class, _types) in FORMSETS.items()
        }

    def formset_for(self, qtype: str):
        for name, (_formset_class, types) in FORMSETS.items():
            if qtype in types:
                return name, self.formsets[name]
        return None, None

    def build(self, qtype: str) -> dict | None:
        """The data of `qtype` from the submitted rows, or None if they have errors (shown
        beside the fields)."""
        _name, formset = self.formset_for(qtype)
        if formset is not None:
            formset.single = qtype == grading.SINGLE
            if not formset.is_valid():
                return None
        if not self.fields.is_valid():
            return None
        extra = self.fields.cleaned_data
        if qtype in grading.CHOICE_TYPES:
            rows = formset.rows()
            return {
                "choices": [
                    {
                        "id": key,
                        "text": row["text"],
                        "fraction": _fraction(row["fraction"]),
                        "feedback": row["feedback"],
                    }
                    for key, row in zip(_with_ids(rows, "c", _sent_ids(formset)), rows, strict=True)
                ]
            }
        if qtype == grading.TRUEFALSE:
            return {
                "answer": extra["tf_answer"],
                "feedback_true": extra["tf_feedback_true"],
                "feedback_false": extra["tf_feedback_false"],
            }
        if qtype == grading.SHORT:
            data = {
                "answers": [
                    {
                        "text": row["text"],
                        "fraction": _fraction(row["fraction"]),
                        "feedback": row["feedback"],
                    }
                    for row in formset.rows()
                ]
            }
            if extra["short_case_sensitive"]:
                data["case_sensitive"] = True
            if extra.get("short_lenient_matching"):
                data["lenient_matching"] = True
            return data
        if qtype == grading.NUMERIC:
            return {
                "answers": [
                    {
                        "value": row["value"],
                        "tolerance": row["tolerance"],
                        "fraction": _fraction(row["fraction"]),
                        "feedback": row["feedback"],
                    }
                    for row in formset.rows()
                ],
                "wrong_feedback": extra["numeric_wrong_feedback"],
            }
        rows = formset.rows()
        extra_rights = [
            line.strip() for line in extra["matching_extra_rights"].splitlines() if line.strip()
        ]
        return {
            "pairs": [
                {"id": key, "left": row["left"], "right": row["right"]}
                for key, row in zip(_with_ids(rows, "p", _sent_ids(formset)), rows, strict=True)
            ],
            "extra_rights": extra_rights,
        }
