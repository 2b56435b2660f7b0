"""SAML 2.0 sign-in around allauth's SAML provider (python3-saml): what allauth leaves to the site.

allauth's provider is used through `SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]`, with
its own views and URLs (`/cuenta/saml/<organización>/login|acs|sls|metadata/`). This subclass:

- keeps what Relevo needs from the IdP's answer beside the attributes (`extra_data["relevo"]`):
  the names as mapped, the AuthnContextClassRef values (the IdP's own MFA when
  settings.SAML_MFA_AUTHN_CONTEXTS names them) and the NameID/SessionIndex that single logout
  sends back;
- answers the Spanish 503 page (`core.sso.provider_unavailable`) when the IdP cannot be
  reached at the button: the metadata document cannot be read, or the SSO URL does not answer
  (a browser sent there would only meet its own error page);
- builds the LogoutRequest that "Cerrar sesión" sends to the IdP's SingleLogoutService, so that
  the next person at a shared computer must type a password there again.

The rules of who may come in are the OIDC ones (core.accounts.SocialAccountAdapter).
"""

from __future__ import annotations

import urllib.error

import requests
import structlog
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from allauth.socialaccount.providers.saml.utils import build_auth, build_saml_config
from django.conf import settings
from django.shortcuts import resolve_url

from .sso import METHOD_SAML, SESSION_KEY, provider_unavailable

logger = structlog.get_logger(__name__)

PROVIDER_ID = "saml"


def saml_mfa_values(contexts) -> list[str]:
    """The AuthnContextClassRef values settings.SAML_MFA_AUTHN_CONTEXTS names as the IdP's own
    second factor; empty when it vouches for none."""
    wanted = {v for v in settings.SAML_MFA_AUTHN_CONTEXTS if v}
    return [str(c) for c in contexts or [] if str(c) in wanted]


def _idp_reachable(request, app) -> None:
    """Raise when the IdP's metadata cannot be read or its SSO service does not answer (any
    HTTP answer below 500 is an answer: an SSO URL asked without a request says 400, and that
    is fine). The metadata stays in allauth's cache, so the SSO URL is what is asked each time."""
    config = build_saml_config(request, app.settings, app.client_id)
    url = ((config.get("idp") or {}).get("singleSignOnService") or {}).get("url")
    if not url:
        return
    response = requests.get(url, timeout=settings.SSO_TIMEOUT_SECONDS, allow_redirects=False)
    if response.status_code >= 500:
        raise requests.HTTPError(f"{response.status_code} from the IdP", response=response)


class RelevoSAMLProvider(SAMLProvider):
    # allauth builds a provider's URLs from its package: keep allauth's SAML views.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data):
        extra = dict(super().extract_extra_data(data))
        mapped = self._extract(data)
        extra["relevo"] = {
            "given_name": mapped.get("first_name", ""),
            "family_name": mapped.get("last_name", ""),
            "authn_contexts": list(data.get_last_authn_contexts() or []),
            "name_id": data.get_nameid(),
            "name_id_format": data.get_nameid_format(),
            "session_index": data.get_session_index(),
        }
        return extra

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        # An institution's directory vouches for its e-mail addresses (settings.SAML_EMAIL_TRUSTED)
        # unless the IdP says otherwise in a mapped `email_verified` attribute. Set before
        # allauth looks the account up by verified e-mail.
        if settings.SAML_EMAIL_TRUSTED and fields.get("email") and "email_verified" not in fields:
            fields["email_verified"] = True
        return fields

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        try:
            _idp_reachable(request, self.app)
            return super().redirect(request, process, next_url=next_url, data=data, **kwargs)
        except Exception as exc:
            if not is_idp_failure(exc):
                raise
            log_unavailable(exc)
            raise ImmediateHttpResponse(provider_unavailable(request)) from exc


def is_idp_failure(exc) -> bool:
    """The IdP (or the network to it) failed, not the person nor Relevo. python3-saml's
    metadata parser raises a bare Exception for a document that is not an IdP's metadata (a
    proxy's error page, say)."""
    if isinstance(exc, requests.RequestException | urllib.error.URLError | TimeoutError):
        return True
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError | PermissionError):
        return True
    return type(exc) is Exception and "Not valid IdP XML" in str(exc)


def log_unavailable(exc) -> None:
    logger.warning("sso_provider_unavailable", provider=PROVIDER_ID, error=repr(exc)[:300])


class SAMLOutageMiddleware:
    """allauth's SAML views read the IdP's metadata again when its cache has expired (at the
    callback, at the SP metadata): an IdP down then is the Spanish 503 page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if "/saml/" in request.path and is_idp_failure(exception):
            log_unavailable(exception)
            return provider_unavailable(request)
        return None


def remembered_saml(sociallogin) -> dict:
    """What single logout needs later, from the sign-in's answer."""
    relevo = (sociallogin.account.extra_data or {}).get("relevo") or {}
    return {
        "name_id": relevo.get("name_id") or "",
        "name_id_format": relevo.get("name_id_format") or "",
        "session_index": relevo.get("session_index") or "",
    }


def saml_logout_url(request) -> str | None:
    """The IdP's SingleLogoutService with a LogoutRequest for this session's sign-in, or None
    (no SAML sign-in in this session, an IdP without SLO, or one that cannot be reached: then
    only the local session ends)."""
    remembered = request.session.get(SESSION_KEY) or {}
    if remembered.get("method") != METHOD_SAML or not remembered.get("name_id"):
        return None
    from allauth.socialaccount.adapter import get_adapter

    try:
        app = get_adapter().get_app(request, provider=PROVIDER_ID)
        provider = app.get_provider(request)
        config = build_saml_config(request, provider.app.settings, provider.app.client_id)
        if not (config.get("idp") or {}).get("singleLogoutService"):
            return None
        auth = build_auth(request, provider)
        return auth.logout(
            return_to=request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
            name_id=remembered["name_id"],
            session_index=remembered.get("session_index") or None,
            name_id_format=remembered.get("name_id_format") or None,
        )
    except Exception as exc:
        logger.warning("sso_logout_without_provider", provider=PROVIDER_ID, error=repr(exc)[:300])
        return None
