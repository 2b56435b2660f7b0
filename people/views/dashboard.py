"""The compliance dashboard (/talento-humano/)."""

from __future__ import annotations

from django.shortcuts import render

from .. import screens
from .common import hr_permission, visible_unit


@hr_permission("people.use_hr")
def dashboard(request):
    context = screens.dashboard_context(
        request.user,
        unit=visible_unit(request, request.GET.get("unidad")),
        requirement_id=request.GET.get("requisito", ""),
        status=request.GET.get("estado", ""),
        page_number=request.GET.get("pagina"),
    )
    return render(request, "people/dashboard.html", context)
