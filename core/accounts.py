"""Sign-in rules: allauth is the one door, and a second factor counts only once this session
has passed it.

Every sign-in path of the project goes through allauth (`/cuenta/login/`): Wagtail's admin and
front-end logins and Django admin's are redirected there (`login_redirect`), so its rate limits
and its MFA stage apply to everyone. allauth records how the current session authenticated
(`get_authentication_records`); `session_passed_second_factor` reads those records, and
`core.middleware.RequireMFAMiddleware` signs out a session of a person with a second factor
that has not passed it, whatever created the session.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .audit import audit_log
from .ratelimit import authenticate_limited
from .roles import Role, has_role, user_roles

# The kinds of authenticator that make a second factor (recovery codes only back them up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from HR's staff import and single sign-on; self sign-up is opt-in.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        return reverse("core:dashboard")

    def authenticate(self, request, **credentials):
        # Failures counted per account and per address without allauth's shared cache lock,
        # failing open without Redis (core.ratelimit; allauth's login limits are off).
        return authenticate_limited(
            request,
            credentials,
            lambda: super(AccountAdapter, self).authenticate(request, **credentials),
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # A ministry's identity provider vouches for its staff: SSO may create the account
        # when it does not exist yet (HR's import normally creates it first).
        return True


MFA_STATE_KEY_PREFIX = "core:mfa-enabled:"
MFA_STATE_TIMEOUT = 10 * 60


def has_second_factor(user) -> bool:
    """The person has turned on an authenticator (app or security key).

    Asked on every signed-in request, so kept in the cache; any write to a person's
    authenticators forgets it (`forget_second_factor_state`). A lost cache only costs the
    query again.
    """
    key = f"{MFA_STATE_KEY_PREFIX}{user.pk}"
    enabled = cache.get(key)
    if enabled is None:
        enabled = is_mfa_enabled(user, list(SECOND_FACTOR_TYPES))
        cache.set(key, enabled, MFA_STATE_TIMEOUT)
    return enabled


def forget_second_factor_state(sender, instance, **kwargs) -> None:
    cache.delete(f"{MFA_STATE_KEY_PREFIX}{instance.user_id}")
    transaction.on_commit(lambda: cache.delete(f"{MFA_STATE_KEY_PREFIX}{instance.user_id}"))


def mfa_required_for(user) -> bool:
    """One of the person's roles is listed in settings.MFA_REQUIRED_FOR_ROLES."""
    return bool(user_roles(user) & set(settings.MFA_REQUIRED_FOR_ROLES))


def session_passed_second_factor(request, user) -> bool:
    """This session (not merely the account) proved a second factor, as allauth recorded it:
    the code at sign-in, at reauthentication, or when the authenticator was activated here.

    Single sign-on whose provider vouches for its own MFA (acr/amr) is meant to count here
    too: add it as another record kind, never as a bypass elsewhere.
    """
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_second_factor_activated(sender, instance, created, **kwargs) -> None:
    """Activating an authenticator proves a valid code from it in this very session (allauth
    records nothing then). Its own `authenticator_added` signal is sent after commit, too late
    for the session of the request; the row's creation is not."""
    request = allauth_context.request
    if not created or request is None or instance.type not in SECOND_FACTOR_TYPES:
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != instance.user_id:
        return
    record_authentication(request, user, "mfa", id=instance.pk, type=instance.type, activated=True)


def safe_local_url(url: str | None, default: str = "") -> str:
    """`url` if it is a path on this site (no scheme, no host, no `//`), else `default`."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return default


def connect_account_receivers() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(
        record_second_factor_activated, sender=Authenticator, dispatch_uid="core-mfa-activated"
    )
    post_save.connect(forget_second_factor_state, sender=Authenticator, dispatch_uid="core-mfa-s")
    post_delete.connect(forget_second_factor_state, sender=Authenticator, dispatch_uid="core-mfa-d")


# --- Ending sessions and resetting a lost authenticator -------------------------------------


class AccountSecurityError(Exception):
    """A refused account-security action; the message is for the person who asked."""


def _bump_session_epoch(user) -> None:
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    if hasattr(user, "refresh_from_db"):  # request.user is a lazy object around the row
        user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def sessions_end_all(*, user, actor) -> None:
    """End every session of `user` on every device, the caller's own included when the actor
    is the person. Django checks each session's hash against the user row on every request,
    and the hash includes the session epoch, so raising it ends them all at once."""
    if actor.pk != user.pk and not has_role(actor, Role.ADMIN):
        raise AccountSecurityError(_("Only an administrator can end another person's sessions."))
    _bump_session_epoch(user)
    audit_log(
        instance=user,
        action="relevo.sessions_ended",
        user=actor,
        data={"by_administrator": actor.pk != user.pk},
    )


@transaction.atomic
def authenticators_reset(*, user, actor, reason: str) -> list[str]:
    """An administrator removes the second factor (app, keys, recovery codes) of a person who
    lost it, with a written reason, and ends that person's sessions. Audited. The person sets
    up a new one at their next sign-in when their role requires it. Returns the removed
    authenticator types."""
    reason = (reason or "").strip()
    if not has_role(actor, Role.ADMIN):
        raise AccountSecurityError(_("Only an administrator can reset a second factor."))
    if actor.pk == user.pk:
        raise AccountSecurityError(
            _("You cannot reset your own second factor: ask another administrator.")
        )
    if len(reason) < 10:
        raise AccountSecurityError(_("Write the reason (at least 10 characters)."))
    authenticators = Authenticator.objects.select_for_update().filter(user=user)
    types = sorted({a.type for a in authenticators})
    if not types:
        raise AccountSecurityError(_("This person has no second factor to reset."))
    authenticators.delete()
    _bump_session_epoch(user)
    audit_log(
        instance=user,
        action="relevo.authenticators_reset",
        user=actor,
        data={"reason": reason, "types": types},
    )
    return types
