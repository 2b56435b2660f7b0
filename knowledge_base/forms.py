import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from core.api import ChoiceIdsGuard

from .article_templates import article_templates


class ArticlePageForm(WagtailAdminPageForm):
    """A new article starts with the headings of its kind (swapped in the browser when the
    kind changes, as long as the author has not written anything else)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        templates = article_templates()
        if "kind" in self.fields:
            self.fields["kind"].widget.attrs["data-kb-templates"] = json.dumps(templates)
        if "body" in self.fields and not self.instance.pk and not self.initial.get("body"):
            self.initial["body"] = templates.get(self.instance.kind or "runbook", "")


class HandoverStartForm(ChoiceIdsGuard, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"))
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons


class HandoverItemAssignForm(ChoiceIdsGuard, forms.Form):
    successor = forms.ModelChoiceField(label=_("Successor"), queryset=None)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, successors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
