from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .accounts import (
    has_second_factor,
    mfa_required_for,
    safe_local_url,
    session_passed_second_factor,
)
from .params import MAX_DB_INTEGER
from .views import bad_request, permission_denied


def preferred_language(request) -> str:
    """The user's own choice (profile, then cookie), else Spanish. The browser's
    Accept-Language is ignored on purpose: Spanish is the institution's language and every
    URL means the same page whatever the language."""
    supported = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = preferred_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequireMFAMiddleware:
    """No one with a second factor is signed in until this session has passed it.

    - A person who has turned on an authenticator, or whose role requires one
      (settings.MFA_REQUIRED_FOR_ROLES) and has it, but whose session did not pass it (a
      session opened before the authenticator existed, or by any path other than allauth's
      sign-in) is signed out and sent to `/cuenta/login/?next=...`, where allauth asks for the
      code. Not even the account pages stay open: they could turn the second factor off.
    - A person whose role requires a second factor and has none yet may use only the account
      pages, to set it up.
    """

    setup_prefixes = ("/cuenta/", "/healthz", "/static/", "/media/", "/i18n/", "/verificar/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if has_second_factor(user):
            if not session_passed_second_factor(request, user):
                return _sign_out_to_second_factor(request)
        elif mfa_required_for(user) and not request.path.startswith(self.setup_prefixes):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
        return self.get_response(request)


def _sign_out_to_second_factor(request):
    next_url = safe_local_url(request.get_full_path()) if request.method == "GET" else ""
    logout(request)
    messages.warning(request, _("Sign in again with your second factor to continue."))
    login_url = reverse("account_login")
    if next_url and next_url != login_url:
        login_url += "?" + urlencode({"next": next_url})
    return redirect(login_url)


class AdminAccessMiddleware:
    """A signed-in person without access to the Wagtail admin gets the friendly 403 page.

    Wagtail would send them to the login page, which sends a signed-in person back to the
    admin: a redirect loop in the browser instead of an explanation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(reverse("wagtailadmin_home"))
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            return permission_denied(request)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


MAX_QUERY_VALUE = 2000  # longer than any search or filter a page offers
# Wagtail's and Django's admin filters parse query values themselves (an id beyond the database's
# range is an OverflowError there); the project's own views parse theirs with core.params.
ADMIN_PATHS = ("/admin/", "/django-admin/")


def _unusable_query(data) -> bool:
    """A query value no page can use: longer than any search, or an integer beyond the
    database's range (Wagtail's admin filters would fail on it with a 500)."""
    for values in data.lists():
        for value in values[1]:
            if len(value) > MAX_QUERY_VALUE:
                return True
            digits = value.strip().lstrip("-")
            if digits.isdigit() and len(digits) < 40 and int(digits) > MAX_DB_INTEGER:
                return True
            if digits.isdigit() and len(digits) >= 40:
                return True
    return False


class BadInputMiddleware:
    """Input no page can use, answered before it reaches a view or the database.

    A NUL character in the path or in any GET/POST key or value is refused with a 400 page
    (PostgreSQL cannot store or compare it: every search, filter and form would 500), and an
    integer in the URL beyond the database's range is a 404, like any id that does not exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.path.startswith(ADMIN_PATHS) and _unusable_query(request.GET))
            or self._post_has_nul(request)
        ):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _post_has_nul(request) -> bool:
        if request.method != "POST":
            return False
        content_type = request.content_type or ""
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return False
        return _has_nul(request.POST)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_DB_INTEGER:
                raise Http404
        return None
