from django import forms
from django.utils.translation import gettext_lazy as _


class AuthenticatorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the second factor is reset (for example: phone lost, ticket number)."),
    )
