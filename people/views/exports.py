"""Downloads: the compliance matrix, transcripts and the anonymised aggregate (CSV/XLSX)."""

from __future__ import annotations

from django.utils import timezone

from core.api import parse_id

from .. import exports, screens, selectors
from .common import hr_permission, visible_unit


def _export_staff(request):
    return screens.export_staff(request.user, visible_unit(request, request.GET.get("unidad")))


@hr_permission("people.use_hr")
def export_matrix(request, fmt):
    staff = _export_staff(request)
    requirements = list(selectors.active_requirements())
    if request.GET.get("requisito"):
        requirements = [r for r in requirements if str(r.pk) == request.GET["requisito"]]
    status = screens.status_filter(request.GET.get("estado", ""))
    rows = exports.matrix_rows(staff, requirements, status)
    name = f"cumplimiento-{timezone.localdate().isoformat()}"
    return exports.spreadsheet_response(
        fmt=fmt, name=name, header=exports.matrix_header(), rows=rows
    )


@hr_permission("people.use_hr")
def export_transcripts(request, fmt):
    staff = _export_staff(request)
    if request.GET.get("persona"):
        staff = staff.filter(pk=parse_id(request.GET["persona"]) or 0)
    rows = exports.transcript_rows(staff)
    name = f"historial-{timezone.localdate().isoformat()}"
    return exports.spreadsheet_response(
        fmt=fmt, name=name, header=exports.transcript_header(), rows=rows
    )


@hr_permission("people.manage_hr")
def export_aggregate(request):
    staff = _export_staff(request)
    return exports.spreadsheet_response(
        fmt="csv",
        name=f"capacitacion-agregada-{timezone.localdate().isoformat()}",
        header=exports.aggregate_header(),
        rows=exports.aggregate_rows(staff),
    )
