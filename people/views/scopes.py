"""HR officers' scopes: which units an officer is limited to."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import HRScopeForm
from ..models import HRScope
from .common import hr_permission, save_valid_form


@hr_permission("people.manage_institution")
def scope_list(request):
    officers = selectors.hr_officers()
    form = HRScopeForm(
        request.POST or None, officers=officers, units=selectors.visible_units(request.user)
    )
    added = save_valid_form(
        request,
        form,
        lambda data: services.hr_scope_add(
            officer=data["officer"], unit=data["unit"], user=request.user
        ),
        success=_("Scope added."),
    )
    if added:
        return redirect("people:scope_list")
    return render(request, "people/scope_list.html", {"form": form, "officers": officers})


@hr_permission("people.manage_institution")
@require_POST
def scope_remove(request, pk):
    scope = get_object_or_404(HRScope.objects.select_related("user", "unit"), pk=pk)
    services.hr_scope_remove(scope=scope, user=request.user)
    messages.success(
        request,
        _("Scope removed: %(officer)s no longer limited to %(unit)s.")
        % {"officer": scope.user.get_full_name() or scope.user.email, "unit": scope.unit.name},
    )
    return redirect("people:scope_list")
