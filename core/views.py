from urllib.parse import urlencode

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import accounts, health
from .accounts import safe_local_url
from .forms import AuthenticatorResetForm
from .navigation import dashboard_links
from .roles import Role, has_role, user_roles


@never_cache
@require_GET
def healthz(request):
    """JSON for monitoring (the default), a short page for people (a browser's Accept, or
    ?format=html). 503 only when pages cannot be served."""
    report = health.health_report()
    code = 503 if report["status"] == "down" else 200
    wants_html = request.GET.get("format") == "html" or (
        request.GET.get("format") != "json" and "text/html" in request.headers.get("Accept", "")
    )
    if wants_html:
        return render(request, "core/healthz.html", {"report": report}, status=code)
    return JsonResponse(report, status=code)


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


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)


# --- One door: every other sign-in path leads to allauth's ----------------------------------


def _redirect_keeping_next(request, url_name: str):
    url = reverse(url_name)
    next_url = safe_local_url(request.GET.get("next"))
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return redirect(url)


def login_redirect(request, *args, **kwargs):
    """Wagtail's admin login, its front-end login for private pages and Django admin's login
    never check a password: allauth's sign-in does, with its rate limits and second factor.
    Answers any method with a redirect (a POSTed password is never read). A person already
    signed in is sent here only when that person lacks access (Django admin, a private page
    for some groups): the 403 page, not a loop through the sign-in page."""
    if request.user.is_authenticated:
        return permission_denied(request)
    return _redirect_keeping_next(request, "account_login")


def password_reset_redirect(request, *args, **kwargs):
    return _redirect_keeping_next(request, "account_reset_password")


def password_change_redirect(request, *args, **kwargs):
    return _redirect_keeping_next(request, "account_change_password")


def _limit_shared_password(view, *, key_kwarg: str):
    """Wagtail's shared passwords (page and document-collection view restrictions) are
    password checks too: failures are counted per address and per restriction like sign-ins
    (ACCOUNT_RATE_LIMITS["view_restriction_password"]), and a right password clears them."""

    def limited(request, *args, **kwargs):
        key = f"view-restriction-{kwargs[key_kwarg]}"
        action = "view_restriction_password"
        if request.method == "POST" and not ratelimit.consume(request, action=action, key=key):
            return too_many_requests(request)
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 302:
            ratelimit.clear(request, action=action, key=key)
        return response

    return limited


def page_password(request, page_view_restriction_id: int, page_id: int):
    from wagtail.views import authenticate_with_password

    return authenticate_with_password(request, page_view_restriction_id, page_id)


def document_password(request, restriction_id: int):
    from wagtail.documents.views.serve import authenticate_with_password

    return authenticate_with_password(request, restriction_id)


page_password = _limit_shared_password(page_password, key_kwarg="page_view_restriction_id")
document_password = _limit_shared_password(document_password, key_kwarg="restriction_id")


# --- Sessions and second factors ------------------------------------------------------------


@login_required
def my_sessions(request):
    """The person ends their sessions on every device, this one included (they sign in again)."""
    if request.method == "POST":
        accounts.sessions_end_all(user=request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your sessions on all devices have been ended."))
        return redirect("account_login")
    return render(request, "core/sessions.html")


@login_required
def person_security(request, user_id: int):
    """An administrator ends another person's sessions or resets their lost second factor."""
    if not has_role(request.user, Role.ADMIN):
        return permission_denied(request)
    person = get_object_or_404(get_user_model(), pk=user_id)
    reset_form = AuthenticatorResetForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "end_sessions":
                accounts.sessions_end_all(user=person, actor=request.user)
                messages.success(request, _("The person's sessions have been ended."))
                return redirect("core:person_security", user_id=person.pk)
            if action == "reset_second_factor":
                reset_form = AuthenticatorResetForm(request.POST)
                if reset_form.is_valid():
                    accounts.authenticators_reset(
                        user=person, actor=request.user, reason=reset_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request,
                        _("The second factor has been reset and the person's sessions ended."),
                    )
                    return redirect("core:person_security", user_id=person.pk)
        except accounts.AccountSecurityError as error:
            messages.error(request, str(error))
    authenticator_types = sorted(
        {label for value, label in Authenticator.Type.choices if value in person_mfa_types(person)}
    )
    return render(
        request,
        "core/person_security.html",
        {
            "person": person,
            "reset_form": reset_form,
            "authenticator_types": authenticator_types,
            "is_self": person.pk == request.user.pk,
        },
        status=400 if reset_form.is_bound and not reset_form.is_valid() else 200,
    )


def person_mfa_types(person) -> set[str]:
    return set(Authenticator.objects.filter(user=person).values_list("type", flat=True))


def bad_request(request, exception=None):
    message = _("The request contains characters that cannot be processed.")
    # Scripts (the quiz's autosave, fetch calls) read a JSON error; people read the page.
    if request.headers.get("X-Requested-With") or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse({"error": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
