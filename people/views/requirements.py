"""Required trainings and coverage rules (list and edit on one screen each)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import screens, selectors, services
from ..forms import CoverageRuleForm, RequirementForm
from ..models import CoverageRule, Requirement
from .common import hr_permission, save_valid_form


@hr_permission("people.manage_hr")
def requirement_list(request, pk=None):
    requirement = get_object_or_404(Requirement, pk=pk) if pk else None
    units = selectors.visible_units(request.user)
    if (
        requirement is not None
        and requirement.unit_id
        and not units.filter(pk=requirement.unit_id).exists()
    ):
        raise Http404
    form = RequirementForm(request.POST or None, instance=requirement, units=units)
    saved = save_valid_form(
        request,
        form,
        lambda data: services.requirement_save(
            requirement=requirement,
            course=data["course"],
            scope=data["scope"],
            unit=data["unit"],
            position=data["position"],
            validity_months=data["validity_months"],
            due_days=data["due_days"],
            active=data["active"],
            user=request.user,
        ),
        success=_("Required training saved; the people in scope are being enrolled."),
    )
    if saved:
        return redirect("people:requirement_list")
    return render(
        request,
        "people/requirement_list.html",
        {
            "form": form,
            "requirements": screens.requirements_for_officer(request.user, units),
            "editing": requirement,
        },
    )


@hr_permission("people.manage_hr")
def coverage_list(request, pk=None):
    units = selectors.visible_units(request.user)
    rule = get_object_or_404(CoverageRule, pk=pk, unit__in=units) if pk else None
    form = CoverageRuleForm(request.POST or None, instance=rule, units=units)
    saved = save_valid_form(
        request,
        form,
        lambda data: services.coverage_rule_save(
            rule=rule,
            unit=data["unit"],
            course=data["course"],
            minimum=data["minimum"],
            include_subunits=data["include_subunits"],
            active=data["active"],
            user=request.user,
        ),
        success=_("Coverage rule saved."),
    )
    if saved:
        return redirect("people:coverage_list")
    return render(
        request,
        "people/coverage_list.html",
        {"form": form, "forecasts": selectors.coverage_forecasts(request.user), "editing": rule},
    )
