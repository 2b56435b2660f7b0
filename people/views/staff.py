"""Staff: the directory, a person's page, create, edit, status, personal data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import screens, selectors, services
from ..forms import AnonymiseForm, StaffForm, StatusForm
from ..personal_data import person_anonymise, personal_data_zip
from .common import hr_permission, save_valid_form, visible_profile


def _staff_fields(data: dict) -> dict:
    """The staff form's fields as the staff services take them."""
    return {
        "employee_id": data["employee_id"],
        "email": data["email"],
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "unit": data["unit"],
        "position": data["position"],
        "manager": data["manager_employee_id"],
        "start_date": data["start_date"],
    }


@hr_permission("people.use_hr")
def staff_list(request):
    context = screens.staff_list_context(
        request.user,
        unit_code=request.GET.get("unidad", ""),
        status=request.GET.get("estado", ""),
        text=request.GET.get("q", ""),
        page_number=request.GET.get("pagina"),
    )
    return render(request, "people/staff_list.html", context)


@hr_permission("people.manage_hr")
def staff_create(request):
    units = selectors.visible_units(request.user)
    form = StaffForm(
        request.POST or None, units=units, initial={"start_date": timezone.localdate()}
    )
    profile = save_valid_form(
        request,
        form,
        lambda data: services.staff_create(**_staff_fields(data), user=request.user),
        success=_("Staff profile created."),
        denied_field="unit",
    )
    if profile:
        return redirect("people:staff_detail", pk=profile.pk)
    return render(request, "people/form.html", {"form": form, "title": _("New staff profile")})


@hr_permission("people.manage_hr")
def staff_edit(request, pk):
    profile = visible_profile(request, pk)
    if not request.user.has_perm("people.change_profile", profile):
        raise PermissionDenied
    initial = {
        "employee_id": profile.employee_id,
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "email": profile.user.email,
        "unit": profile.unit,
        "position": profile.position,
        "manager_employee_id": profile.manager.employee_id if profile.manager_id else "",
        "start_date": profile.start_date,
    }
    form = StaffForm(
        request.POST or None, initial=initial, units=selectors.visible_units(request.user)
    )
    saved = save_valid_form(
        request,
        form,
        lambda data: services.staff_update(
            profile=profile, **_staff_fields(data), user=request.user
        ),
        success=_("Staff profile saved."),
        denied_field="unit",
    )
    if saved:
        return redirect("people:staff_detail", pk=profile.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": _("Edit: %s") % profile.user.get_full_name()},
    )


@hr_permission("people.manage_hr")
def staff_status(request, pk):
    profile = visible_profile(request, pk)
    if not request.user.has_perm("people.change_profile", profile):
        raise PermissionDenied
    form = StatusForm(
        request.POST or None, initial={"status": profile.status, "end_date": profile.end_date}
    )
    saved = save_valid_form(
        request,
        form,
        lambda data: services.staff_status_set(
            profile=profile, status=data["status"], end_date=data["end_date"], user=request.user
        ),
        success=_("Status saved."),
    )
    if saved:
        return redirect("people:staff_detail", pk=profile.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": _("Status of %s") % profile.user.get_full_name(),
            "intro": _(
                "A person marked as left loses access at once (account deactivated, sessions "
                "ended); their records stay. Leaving and left are announced for the handover."
            ),
        },
    )


@hr_permission("people.use_hr")
def staff_detail(request, pk):
    profile = visible_profile(request, pk)
    return render(
        request, "people/staff_detail.html", screens.staff_detail_context(request.user, profile)
    )


@hr_permission("people.personal_data")
def personal_data_export(request, pk):
    profile = visible_profile(request, pk)
    content = personal_data_zip(profile=profile, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="datos-personales-{profile.employee_id}.zip"'
    )
    return response


@require_POST
@hr_permission("people.personal_data")
def anonymise(request, pk):
    """The staff page's form asks for the person's full name, typed again."""
    profile = visible_profile(request, pk)
    form = AnonymiseForm(request.POST)
    form.is_valid()
    try:
        person_anonymise(
            profile=profile,
            confirmed_name=form.cleaned_data.get("full_name", ""),
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person was anonymised."))
    return redirect("people:staff_detail", pk=profile.pk)
