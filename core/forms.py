from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .params import parse_id


def _has_integer_key(field: forms.ModelChoiceField) -> bool:
    # A ForeignKey's form field names its target ("id"), a plain ModelChoiceField none.
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    while key.is_relation:  # multi-table inheritance: a page's key is its parent's
        key = key.target_field
    return isinstance(key, models.IntegerField)


class ChoiceIdsGuard:
    """A chosen id that cannot be a database id (text, a quote, beyond 2^63) is an invalid
    choice shown beside its field. Without this, SQLite raises OverflowError on the lookup and
    Wagtail's choosers raise ValueError re-rendering the value: a 500 instead of an error.

    Mix it in before the form class: `class F(ChoiceIdsGuard, forms.ModelForm)`."""

    # At cleaning, not in __init__: forms set their querysets after super().__init__().
    def full_clean(self):
        self._unusable_ids: list[str] = []
        if self.is_bound:
            self._set_aside_unusable_ids()
        super().full_clean()

    def _set_aside_unusable_ids(self) -> None:
        data = None
        for name, field in self.fields.items():
            if (
                not isinstance(field, forms.ModelChoiceField)
                or field.queryset is None
                or not _has_integer_key(field)
            ):
                continue
            key = self.add_prefix(name)
            many = isinstance(field, forms.ModelMultipleChoiceField)
            if hasattr(self.data, "getlist"):
                values = self.data.getlist(key)
            else:
                raw = self.data.get(key)
                values = raw if isinstance(raw, list | tuple) else [raw]
            kept = [v for v in values if v in (None, "") or parse_id(v) is not None]
            if len(kept) == len(values):
                continue
            data = data if data is not None else self.data.copy()
            if hasattr(data, "setlist"):
                data.setlist(key, kept if many else [""])
            else:
                data[key] = kept if many else ""
            self._unusable_ids.append(name)
        if data is not None:
            self.data = data

    def clean(self):
        cleaned = super().clean()
        for name in getattr(self, "_unusable_ids", ()):
            self._errors.pop(name, None)
            self.add_error(
                name,
                ValidationError(
                    forms.ModelChoiceField.default_error_messages["invalid_choice"],
                    code="invalid_choice",
                ),
            )
        return cleaned


class AuthenticatorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the second factor is reset (for example: phone lost, ticket number)."),
    )
