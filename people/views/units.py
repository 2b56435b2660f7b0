"""The organisation tree: list, create, edit, move units."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import screens, selectors, services
from ..forms import UnitForm, UnitMoveForm
from .common import hr_permission, save_valid_form, visible_unit


@hr_permission("people.manage_hr")
def unit_list(request):
    return render(request, "people/unit_list.html", {"rows": screens.unit_rows(request.user)})


@hr_permission("people.manage_hr")
def unit_create(request):
    units = selectors.visible_units(request.user)
    form = UnitForm(request.POST or None, units=units)
    created = save_valid_form(
        request,
        form,
        lambda data: services.unit_create(
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            parent=data["parent"],
            user=request.user,
        ),
        success=lambda unit: _("Unit “%(name)s” created.") % {"name": unit.name},
    )
    if created:
        return redirect("people:unit_list")
    return render(request, "people/form.html", {"form": form, "title": _("New unit")})


@hr_permission("people.manage_hr")
def unit_edit(request, code):
    unit = visible_unit(request, code)
    initial = {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind,
        "head_employee_id": unit.head.employee_id if unit.head_id else "",
    }
    form = UnitForm(request.POST or None, initial=initial, editing=True)
    saved = save_valid_form(
        request,
        form,
        lambda data: services.unit_update(
            unit=unit,
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            head=data["head_employee_id"],
            user=request.user,
        ),
        success=_("Unit saved."),
    )
    if saved:
        return redirect("people:unit_list")
    return render(
        request, "people/form.html", {"form": form, "title": _("Edit unit: %s") % unit.name}
    )


@hr_permission("people.manage_hr")
def unit_move(request, code):
    unit = visible_unit(request, code)
    targets = selectors.visible_units(request.user).exclude(path__startswith=unit.path)
    form = UnitMoveForm(request.POST or None, units=targets)
    moved = save_valid_form(
        request,
        form,
        lambda data: services.unit_move(
            unit=unit, new_parent=data["new_parent"], user=request.user
        ),
        success=_("Unit moved."),
    )
    if moved:
        return redirect("people:unit_list")
    return render(
        request, "people/form.html", {"form": form, "title": _("Move unit: %s") % unit.name}
    )
