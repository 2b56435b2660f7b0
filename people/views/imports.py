"""The staff import: upload, preview and confirm, and the template to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import exports, importing
from ..forms import ImportForm
from ..models import StaffImport
from .common import hr_permission


@hr_permission("people.import_staff")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staff_import = importing.staff_import_preview(
            filename=upload.name,
            content=upload.read(),
            mark_missing_left=form.cleaned_data["mark_missing_left"],
            user=request.user,
        )
        return redirect("people:import_preview", pk=staff_import.pk)
    return render(
        request,
        "people/import_upload.html",
        {"form": form, "columns": importing.COLUMNS, "required": importing.REQUIRED_COLUMNS},
    )


@hr_permission("people.import_staff")
def import_preview(request, pk):
    staff_import = get_object_or_404(
        StaffImport.objects.defer("content"), pk=pk, uploaded_by=request.user
    )
    if request.method == "POST":
        try:
            summary = importing.staff_import_apply(staff_import=staff_import, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("people:import_preview", pk=pk)
        messages.success(
            request,
            _(
                "Import applied: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(marked_left)s marked as left."
            )
            % summary,
        )
        return redirect("people:import_preview", pk=pk)
    return render(request, "people/import_preview.html", {"staff_import": staff_import})


def import_template(request, fmt):
    if not request.user.is_authenticated or not request.user.has_perm("people.import_staff"):
        raise PermissionDenied
    rows = importing.template_rows()
    return exports.spreadsheet_response(
        fmt=fmt, name="plantilla-personal", header=rows[0], rows=rows[1:]
    )
