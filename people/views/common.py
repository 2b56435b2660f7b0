"""What every HR screen shares: the permission decorator, saving a form through a service, and
looking up what the request names within the user's scope (404, not 403, for objects)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import OrgUnit, StaffProfile


def hr_permission(perm: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def save_valid_form(request, form, save, *, success, denied_field: str | None = None):
    """For a valid POST, runs `save(cleaned_data)` (one service call, one transaction) and
    flashes `success` (a text, or a callable given the result). The service's ValidationError
    and PermissionDenied become form errors. Returns the result, or None when the form must
    be shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    except PermissionDenied as exc:
        form.add_error(denied_field, str(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True


def visible_unit(request, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    unit = selectors.visible_units(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def visible_profile(request, pk: int) -> StaffProfile:
    return get_object_or_404(selectors.visible_staff(request.user), pk=pk)
