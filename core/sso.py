"""Single sign-on around allauth's OpenID Connect provider: what allauth leaves to the site.

- allauth reads the provider's discovery document (`/.well-known/openid-configuration`) at the
  button and again at the callback, and that read sits outside its error handling: a provider
  that is down answered with a 500. Every HTTP call allauth makes to a provider goes through
  the socialaccount adapter's `get_requests_session()`, so `ProviderSession` is the one place
  that keeps the discovery document in the cache and turns any failure (connection, timeout,
  5xx, a body that is not JSON) into the Spanish 503 page (`provider_unavailable`), logged.
- RP-initiated logout: the raw ID token the provider returned at sign-in is kept in the session
  (`SESSION_KEY`) so that "Cerrar sesión" can send the person to the provider's
  `end_session_endpoint` with `id_token_hint`, ending the provider's session too (shared
  computers in consulates).
- MFA: the `acr`/`amr` values the settings name as the provider's own second factor.

The rules of who may come in live in `core.accounts.SocialAccountAdapter`; HR's facts come
from the app above through `core.hooks.sso_staff_status`.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode, urlsplit

import requests
import structlog
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render, resolve_url

logger = structlog.get_logger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_KEY_PREFIX = "core:sso:discovery:"
# What the session remembers of a sign-in through single sign-on (method, provider, ID token).
SESSION_KEY = "relevo_sso"
# The request attribute the token endpoint's ID token is kept on until the sign-in is admitted.
ID_TOKEN_ATTR = "_relevo_sso_id_token"  # noqa: S105  (an attribute name)

METHOD_OIDC = "oidc"
METHOD_SAML = "saml"
METHOD_PASSWORD = "password"  # noqa: S105  (a method name)


def origin_of(url: str) -> str:
    """`https://host[:port]` of a URL, or "" for anything that is not an absolute http(s) URL."""
    parts = urlsplit(url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _discovery_key(url: str) -> str:
    return DISCOVERY_KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()[:32]


def discovery_forget(url: str) -> None:
    """Drop a cached discovery document: the next sign-in reads it afresh (a provider that
    moved its endpoints, or failed with the cached ones)."""
    cache.delete(_discovery_key(url))


def provider_unavailable(request) -> HttpResponse:
    """The Spanish page for a provider that cannot be reached or answered badly: 503, so that
    monitoring sees an outage of a dependency and not a bug."""
    return render(request, "socialaccount/provider_unavailable.html", status=503)


def _cached_response(url: str, data: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.url = url
    response._content = json.dumps(data).encode()
    response.headers["Content-Type"] = "application/json"
    response.encoding = "utf-8"
    return response


class ProviderSession(requests.Session):
    """allauth's HTTP client for identity providers (see the module's docstring).

    With `answer_errors` (sign-in), a failure ends the request with the 503 page through
    allauth's `ImmediateHttpResponse`, which its provider views return as they are; without it
    (sign-out), the exception is raised for the caller to fall back on.
    """

    def __init__(self, *, timeout: float, answer_errors: bool = True) -> None:
        super().__init__()
        self.timeout = timeout
        self.answer_errors = answer_errors

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        is_discovery = method.upper() == "GET" and DISCOVERY_PATH in str(url)
        if is_discovery:
            cached = cache.get(_discovery_key(url))
            if cached is not None:
                return _cached_response(url, cached)
        try:
            response = super().request(method, url, *args, **kwargs)
            if response.status_code >= 500 or (is_discovery and not response.ok):
                raise requests.HTTPError(f"{response.status_code} from provider", response=response)
            data = None
            if is_discovery or (method.upper() == "POST" and response.ok):
                data = response.json()
        except (requests.RequestException, ValueError) as exc:
            self._fail(url, exc)
            raise
        if is_discovery:
            cache.set(_discovery_key(url), data, settings.SSO_DISCOVERY_CACHE_SECONDS)
        elif isinstance(data, dict) and data.get("id_token"):
            # The token endpoint's answer: keep the raw ID token for RP-initiated logout.
            request = allauth_context.request
            if request is not None:
                setattr(request, ID_TOKEN_ATTR, data["id_token"])
        return response

    def _fail(self, url, exc) -> None:
        logger.warning("sso_provider_unavailable", url=str(url), error=repr(exc)[:300])
        request = allauth_context.request
        if self.answer_errors and request is not None:
            raise ImmediateHttpResponse(provider_unavailable(request))


def is_provider_failure(exception) -> bool:
    """An error of the provider (or the network to it), not of the person: the 503 page."""
    return isinstance(exception, requests.RequestException | OAuth2Error | ProviderException)


# --- what the session remembers -------------------------------------------------------------


def sign_in_remember(request, *, method: str, provider_id: str, id_token: str = "") -> None:
    request.session[SESSION_KEY] = {
        "method": method,
        "provider": provider_id,
        "id_token": id_token,
    }


def sign_in_method(request) -> dict:
    """How the current sign-in happened, for the audit log: {"method", "provider"}."""
    session = getattr(request, "session", None)
    if session is None:
        return {"method": METHOD_PASSWORD}
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    primary = [r for r in records if isinstance(r, dict) and r.get("method") != "mfa"]
    last = primary[-1] if primary else {}
    if last.get("method") == "socialaccount":
        remembered = session.get(SESSION_KEY) or {}
        return {
            "method": remembered.get("method", METHOD_OIDC),
            "provider": remembered.get("provider", last.get("provider", "")),
        }
    return {"method": last.get("method", METHOD_PASSWORD)}


def claim_value(claims: dict, name: str) -> str:
    """One claim (OIDC) or attribute (SAML, whose values come as lists) as text; "" if absent."""
    if not name or not isinstance(claims, dict):
        return ""
    value = claims.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


# --- MFA at the provider --------------------------------------------------------------------


def provider_mfa_values(claims: dict) -> list[str]:
    """The `acr`/`amr` values of an ID token (or userinfo) that settings.SSO_MFA_VALUES names
    as the provider's own second factor; empty when it vouches for none."""
    wanted = {v for v in settings.SSO_MFA_VALUES if v}
    if not wanted or not isinstance(claims, dict):
        return []
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    found = [str(v) for v in amr if str(v) in wanted]
    acr = claims.get("acr")
    if acr and str(acr) in wanted:
        found.append(str(acr))
    return found


# --- RP-initiated logout --------------------------------------------------------------------


def end_session_url(request) -> str | None:
    """Where to send the browser so that the provider ends its session too, or None (no SSO
    sign-in in this session, no ID token, a provider without `end_session_endpoint`, or one
    that cannot be reached: then only the local session ends)."""
    remembered = request.session.get(SESSION_KEY) or {}
    if remembered.get("method") != METHOD_OIDC or not remembered.get("id_token"):
        return None
    try:
        provider = get_socialaccount_adapter().get_provider(request, remembered["provider"])
        url = provider.server_url
        with ProviderSession(timeout=settings.SSO_TIMEOUT_SECONDS, answer_errors=False) as sess:
            config = sess.get(url).json()
    except (requests.RequestException, ValueError, KeyError, SocialApp.DoesNotExist) as exc:
        # Sign-out never fails because of the provider: the local session still ends.
        logger.warning("sso_logout_without_provider", error=repr(exc)[:300])
        return None
    endpoint = config.get("end_session_endpoint")
    if not endpoint or not origin_of(endpoint):
        return None
    params = {
        "id_token_hint": remembered["id_token"],
        "post_logout_redirect_uri": request.build_absolute_uri(
            resolve_url(settings.LOGOUT_REDIRECT_URL)
        ),
        "client_id": provider.app.client_id,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
