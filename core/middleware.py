from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .params import MAX_DB_INTEGER
from .roles import user_roles


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
    """Users in the roles of settings.MFA_REQUIRED_FOR_ROLES must set up a second factor
    before they can use anything but the account pages."""

    allowed_prefixes = ("/cuenta/", "/healthz", "/static/", "/media/", "/i18n/", "/verificar/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        required = set(settings.MFA_REQUIRED_FOR_ROLES)
        user = getattr(request, "user", None)
        if (
            required
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and user_roles(user) & required
            and not _has_mfa(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


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
            from .views import permission_denied

            return permission_denied(request)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class BadInputMiddleware:
    """Input no page can use, answered before it reaches a view or the database.

    A NUL character in the path or in any GET/POST key or value is refused with a 400 page
    (PostgreSQL cannot store or compare it: every search, filter and form would 500), and an
    integer in the URL beyond the database's range is a 404, like any id that does not exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or self._post_has_nul(request):
            from .views import bad_request

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
        from django.http import Http404

        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_DB_INTEGER:
                raise Http404
        return None
