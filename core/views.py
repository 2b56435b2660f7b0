from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import health
from .navigation import dashboard_links
from .roles import Role, user_roles


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": health.check_database(),
        "cache": health.check_cache(),
        "broker": health.check_broker(),
    }
    if checks["database"][0] != "up":
        status, code = "down", 503
    elif all(state == "up" for state, _detail in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    payload = {
        "status": status,
        "checks": {name: {"state": s, "detail": d} for name, (s, d) in checks.items()},
    }
    return JsonResponse(payload, status=code)


@login_required
def dashboard(request):
    roles = user_roles(request.user)
    role_labels = [label for value, label in Role.choices if value in roles]
    return render(
        request,
        "core/dashboard.html",
        {"dashboard_links": dashboard_links(request), "role_labels": role_labels},
    )


@require_GET
def accessibility(request):
    """The accessibility statement (WCAG 2.1 AA, NTE INEN 2854): public, in both languages."""
    return render(request, "core/accessibility.html")


@require_POST
def set_language(request):
    """Store the chosen language in a cookie and, for a signed-in user, in their profile
    (used for e-mails and the Wagtail admin too)."""
    language = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in supported:
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(request.user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def permission_denied(request, exception=None):
    return render(
        request,
        "403.html",
        {"message": _("You do not have permission to see this page.")},
        status=403,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "400.html",
        {"message": _("The request contains characters that cannot be processed.")},
        status=400,
    )
