"""Sign-in rules: allauth is the one door, and a second factor counts only once this session
has passed it.

Every sign-in path of the project goes through allauth (`/cuenta/login/`): Wagtail's admin and
front-end logins and Django admin's are redirected there (`login_redirect`), so its rate limits
and its MFA stage apply to everyone. allauth records how the current session authenticated
(`get_authentication_records`); `session_passed_second_factor` reads those records, and
`core.middleware.RequireMFAMiddleware` signs out a session of a person with a second factor
that has not passed it, whatever created the session.
"""

import structlog
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import user_logged_in as allauth_user_logged_in
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .audit import audit_log
from .hooks import SSOStaffStatus, sso_staff_status, sso_unit_place
from .ratelimit import authenticate_limited, client_address_fallback
from .roles import Role, has_role, user_roles
from .saml import remembered_saml, saml_logout_url, saml_mfa_values
from .sso import (
    ID_TOKEN_ATTR,
    METHOD_OIDC,
    METHOD_SAML,
    SESSION_KEY,
    ProviderSession,
    claim_value,
    discovery_forget,
    end_session_url,
    is_provider_failure,
    provider_mfa_values,
    provider_unavailable,
    sign_in_remember,
)

logger = structlog.get_logger(__name__)

# The kinds of authenticator that make a second factor (recovery codes only back them up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from HR's staff import and single sign-on; self sign-up is opt-in.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        return reverse("core:dashboard")

    def get_client_ip(self, request) -> str:
        """allauth's client address for its own limits (password reset, sign-up, re-auth),
        never a 500: with `ALLAUTH_TRUSTED_PROXY_COUNT` set, a request that did not come
        through the proxy (a direct POST to gunicorn, fewer X-Forwarded-For entries than
        proxies, a header that is not an address) made allauth raise ImproperlyConfigured
        (500) or PermissionDenied. It falls back to the socket's address, and with none to
        one shared bucket, so stripping the header never escapes a limit."""
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            return client_address_fallback(request)

    def authenticate(self, request, **credentials):
        # Failures counted per account and per address without allauth's shared cache lock,
        # failing open without Redis (core.ratelimit; allauth's login limits are off).
        return authenticate_limited(
            request,
            credentials,
            lambda: super(AccountAdapter, self).authenticate(request, **credentials),
        )

    def get_logout_redirect_url(self, request) -> str:
        # Asked before the session ends: after a sign-in through the provider, "Cerrar sesión"
        # goes on to the provider's end_session_endpoint so that the next person at a shared
        # computer must type a password again there (RP-initiated logout).
        return (
            end_session_url(request)
            or saml_logout_url(request)
            or super().get_logout_redirect_url(request)
        )

    def get_login_stages(self) -> list[str]:
        return [
            "core.accounts.SecondFactorStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]


class SecondFactorStage(AuthenticateStage):
    """allauth's second-factor stage, passed over when the identity provider has just
    vouched for its own MFA (settings.SSO_MFA_VALUES, recorded by SocialAccountAdapter)."""

    def _should_handle(self, request) -> bool:
        if self.login.user is not None and provider_passed_mfa(request, self.login.user):
            return False
        return super()._should_handle(request)


def provider_passed_mfa(request, user) -> bool:
    return any(
        record.get("method") == "mfa" and record.get("type") == "sso"
        for record in get_authentication_records(request, user)
    )


# Why a sign-in through the provider is refused: the page's text and the log's reason.
REFUSAL_UNVERIFIED = "unverified"
REFUSAL_UNKNOWN = "unknown"
REFUSAL_LEFT = "left"


def sso_refusal(request, reason: str):
    logger.info("sso_sign_in_refused", reason=reason)
    return render(request, "socialaccount/sign_in_refused.html", {"reason": reason}, status=403)


def _claims(sociallogin) -> dict:
    """The provider's claims about the person: the ID token's, completed by userinfo's
    (SAML's attributes are kept flat)."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    claims = {k: v for k, v in data.items() if k != "relevo"}
    relevo = data.get("relevo") or {}
    claims.update({k: relevo[k] for k in ("given_name", "family_name") if relevo.get(k)})
    return claims


def _provider_email(sociallogin) -> tuple[str, bool]:
    for address in sociallogin.email_addresses:
        if address.primary or len(sociallogin.email_addresses) == 1:
            return address.email.strip().lower(), bool(address.verified)
    return "", False


def _sign_in_kind(sociallogin) -> str:
    return METHOD_SAML if sociallogin.account.provider == "saml" else METHOD_OIDC


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Who may come in through the institution's identity provider, and what it vouches for.

    settings.SSO_ACCOUNT_POLICY: "imported" (only accounts HR's import created, matched by
    verified e-mail) or "open" (anyone the provider vouches for with a verified e-mail gets a
    Funcionario account, without a staff profile: HR sees it "sin unidad" and places it).
    Either way a person HR marked as gone is refused.
    """

    def get_requests_session(self):
        return ProviderSession(timeout=settings.SSO_TIMEOUT_SECONDS)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        if exception is not None and is_provider_failure(exception):
            logger.warning("sso_provider_error", error=repr(exception)[:300])
            server_url = getattr(provider, "server_url", "")
            if server_url:
                # The cached endpoints may be what failed: read them afresh next time.
                discovery_forget(server_url)
            raise ImmediateHttpResponse(provider_unavailable(request))

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A signed-in person links the provider to their own account (Mi cuenta →
            # Cuentas conectadas): nobody new comes in, no account is matched by e-mail.
            return
        email, verified = _provider_email(sociallogin)
        if not email or not verified:
            # An e-mail the provider does not vouch for never matches or creates an account
            # (it could be someone else's).
            raise ImmediateHttpResponse(sso_refusal(request, REFUSAL_UNVERIFIED))
        if sso_staff_status(email) == SSOStaffStatus.LEFT:
            raise ImmediateHttpResponse(sso_refusal(request, REFUSAL_LEFT))
        if not sociallogin.is_existing and settings.SSO_ACCOUNT_POLICY != "open":
            raise ImmediateHttpResponse(sso_refusal(request, REFUSAL_UNKNOWN))
        claims = _claims(sociallogin)
        if sociallogin.is_existing:
            _refresh_names(sociallogin.user, claims)
        kind = _sign_in_kind(sociallogin)
        sign_in_remember(
            request,
            method=kind,
            provider_id=sociallogin.account.provider,
            id_token=getattr(request, ID_TOKEN_ATTR, ""),
        )
        if kind == METHOD_SAML:
            # Single logout names the IdP's session back to it.
            request.session[SESSION_KEY].update(remembered_saml(sociallogin))
            relevo = (sociallogin.account.extra_data or {}).get("relevo") or {}
            mfa_values = saml_mfa_values(relevo.get("authn_contexts"))
        else:
            mfa_values = provider_mfa_values(claims)
        request.session[SESSION_KEY]["mfa"] = mfa_values
        if mfa_values and sociallogin.user.pk:
            _record_provider_mfa(request, sociallogin.user)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # pre_social_login refused the unknown already under "imported".
        return settings.SSO_ACCOUNT_POLICY == "open"

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        group = Group.objects.filter(name=Role.LEARNER.value).first()
        if group is not None:
            user.groups.add(group)
        audit_log(
            instance=user,
            action="relevo.sso_account_created",
            user=user,
            data={"method": _sign_in_kind(sociallogin), "provider": sociallogin.account.provider},
        )
        return user


def _refresh_names(user, claims: dict) -> None:
    """The provider is the source of names: a change there shows here at the next sign-in."""
    first = (claims.get("given_name") or "").strip()[:150]
    last = (claims.get("family_name") or "").strip()[:150]
    if not first and not last and claims.get("name"):
        first, _sep, last = str(claims["name"]).strip().partition(" ")
    changed = [
        field
        for field, value in (("first_name", first), ("last_name", last))
        if value and getattr(user, field) != value
    ]
    if changed:
        user.first_name = first or user.first_name
        user.last_name = last or user.last_name
        user.save(update_fields=changed)


def _record_provider_mfa(request, user) -> None:
    remembered = request.session.get(SESSION_KEY) or {}
    record_authentication(
        request,
        user,
        "mfa",
        type="sso",
        provider=remembered.get("provider", ""),
        values=remembered.get("mfa", []),
    )


def record_sso_sign_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    """A sign-in through the provider is a fresh authentication (setting up TOTP asks no
    password of people who may not know one); a new account records the provider's MFA here,
    having had no id before."""
    if sociallogin is None or request is None:
        return
    record_authentication(
        request,
        user,
        "socialaccount",
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        reauthenticated=True,
    )
    remembered = request.session.get(SESSION_KEY) or {}
    if remembered.get("mfa") and not provider_passed_mfa(request, user):
        _record_provider_mfa(request, user)
    if settings.SSO_UNIT_CLAIM and sociallogin.state.get("process") != AuthProcess.CONNECT:
        claims = _claims(sociallogin)
        unit_code = claim_value(claims, settings.SSO_UNIT_CLAIM)
        if unit_code:
            outcome = sso_unit_place(
                account=user,
                unit_code=unit_code,
                employee_id=claim_value(claims, settings.SSO_EMPLOYEE_ID_CLAIM),
            )
            logger.info("sso_unit_claim", outcome=outcome)


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


# --- A changed e-mail address is told to the old one ---------------------------------------


def remember_old_email(sender, instance, update_fields=None, **kwargs) -> None:
    """Before an account is saved with a new e-mail (by HR, an import, the admin or its
    owner), keep the address it replaces: its owner must hear of it there, since a password
    reset to the new address hands the account over."""
    instance._old_email = ""
    if instance.pk is None or (update_fields is not None and "email" not in update_fields):
        return
    new = (instance.email or "").lower()
    if new.endswith(".invalid"):
        # An erasure (people's anonymisation writes a .invalid address), not a change: a
        # notice would keep the old address and the name that were just wiped.
        return
    old = sender.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
    if old and old.lower() != new:
        instance._old_email = old


def notify_old_email(sender, instance, created=False, **kwargs) -> None:
    old = getattr(instance, "_old_email", "")
    if created or not old:
        return
    instance._old_email = ""
    account_email_changed_notify(account=instance, old_email=old, new_email=instance.email)


def account_email_changed_notify(*, account, old_email: str, new_email: str) -> None:
    """Tell the replaced address that the account's e-mail changed (in the caller's
    transaction; sent after commit). Bulk updates, which send no signal, call it directly."""
    from .notifications import notification_send

    notification_send(
        kind="account.email_changed",
        key=f"account-email-changed:{account.pk}:{old_email.lower()}:{new_email.lower()}"[:200],
        recipient=account,
        address=old_email,
        template="core/email/email_changed",
        context={
            "name": account.get_full_name() or old_email,
            "old_email": old_email,
            "new_email": new_email,
            "subject_prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        },
    )


def connect_account_receivers() -> None:
    allauth_user_logged_in.connect(record_sso_sign_in, dispatch_uid="core-sso-signed-in")
    user_model = get_user_model()
    pre_save.connect(remember_old_email, sender=user_model, dispatch_uid="core-email-old")
    post_save.connect(notify_old_email, sender=user_model, dispatch_uid="core-email-notify")
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
