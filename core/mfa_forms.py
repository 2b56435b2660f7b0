"""Second-factor forms with the project's failure limit.

allauth counts wrong codes under its `login_failed` limit, which settings turn off (see
core.ratelimit: its shared cache lock refused correct sign-ins behind one NAT address). Left
like that, /cuenta/2fa/authenticate/ took hundreds of guesses in one session. These forms
count wrong codes per person and per session (`MFA_FAILURES_PER_ACCOUNT`) and, while the limit
holds, refuse every code, the right one included.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from .ratelimit import second_factor_blocked, second_factor_failure_record


class _LimitedCodeMixin:
    def clean_code(self) -> str:
        request = context.request
        if second_factor_blocked(request, self.user):
            raise get_account_adapter(request).validation_error("too_many_login_attempts")
        try:
            return super().clean_code()
        except forms.ValidationError:
            second_factor_failure_record(request, self.user)
            raise


class LimitedAuthenticateForm(_LimitedCodeMixin, AuthenticateForm):
    pass


class LimitedReauthenticateForm(_LimitedCodeMixin, ReauthenticateForm):
    pass
