"""HR pages at /talento-humano/. Every view reads through people.selectors.visible_* so that a
scoped officer or a manager never sees anyone outside their scope (404, not 403, for objects)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.selectors import certificates_for_learner
from core.params import parse_id
from courses.models import Enrolment

from . import exports, importing, selectors, services
from .forms import (
    CoverageRuleForm,
    HRScopeForm,
    ImportForm,
    RequirementForm,
    StaffForm,
    StatusForm,
    UnitForm,
    UnitMoveForm,
)
from .models import CoverageRule, HRScope, OrgUnit, Requirement, StaffImport, StaffProfile
from .personal_data import person_anonymise, personal_data_zip
from .selectors import Compliance


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


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _save_valid_form(request, form, save, *, success, denied_field: str | None = None):
    """For a valid POST, runs `save(cleaned_data)` (one service call, one transaction) and
    flashes `success` (a text, or a callable given the result). The service's ValidationError
    and PermissionDenied become form errors. Returns the result, or None when the form must
    be shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None
    except PermissionDenied as exc:
        form.add_error(denied_field, str(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True


def _visible_unit(request, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    unit = selectors.visible_units(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _visible_profile(request, pk: int) -> StaffProfile:
    return get_object_or_404(selectors.visible_staff(request.user), pk=pk)


def _requirements():
    return list(Requirement.objects.filter(active=True).select_related("course", "unit"))


STATUS_BADGES = {
    Compliance.COMPLIANT: "badge--success",
    Compliance.EXPIRING: "badge--warning",
    Compliance.EXPIRED: "badge--danger",
    Compliance.PENDING: "",
    Compliance.OVERDUE: "badge--danger",
}


# --- dashboard --------------------------------------------------------------------------------


@hr_permission("people.use_hr")
def dashboard(request):
    user = request.user
    unit = _visible_unit(request, request.GET.get("unidad"))
    staff = selectors.visible_staff(user)
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
        children = list(
            selectors.visible_units(user).filter(path__startswith=unit.path, depth=unit.depth + 1)
        )
        visible_paths = set(
            selectors.visible_units(user)
            .filter(depth__lt=unit.depth)
            .values_list("path", flat=True)
        )
        ancestors = [a for a in unit.get_ancestors() if a.path in visible_paths]
    else:
        children = selectors.top_units(user)
        ancestors = []
        if len(children) == 1:
            # One root (the institution): its branches are the useful first level.
            root = children[0]
            ancestors = [root]
            children = (
                list(
                    selectors.visible_units(user).filter(
                        path__startswith=root.path, depth=root.depth + 1
                    )
                )
                or children
            )
    requirements = _requirements()
    selected = None
    if request.GET.get("requisito"):
        selected = next((r for r in requirements if str(r.pk) == request.GET["requisito"]), None)
    status = request.GET.get("estado", "")
    if status not in Compliance.ALL:
        status = ""
    shown = [selected] if selected else requirements
    cards, matrix = [], []
    by_unit = {}
    for requirement in shown:
        totals, by_unit[requirement.pk] = selectors.compliance_summary(requirement, staff, children)
        cards.append({"requirement": requirement, **totals})
    for child in children:
        matrix.append({"unit": child, "cells": [by_unit[r.pk].get(child.pk) for r in shown]})
    focus = selected or (requirements[0] if requirements else None)
    trend = selectors.monthly_trend(focus, staff) if focus else []
    people_page = None
    if focus is not None and (unit is not None or status or selected):
        people = selectors.compliance_queryset(focus, staff).order_by("user__last_name", "pk")
        if status:
            people = people.filter(compliance=status)
        people_page = Paginator(people, 50).get_page(request.GET.get("pagina"))
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": children,
        "requirements": requirements,
        "shown": shown,
        "selected": selected,
        "status": status,
        "statuses": [(s, exports.status_label(s)) for s in Compliance.ALL],
        "cards": cards,
        "matrix": matrix,
        "focus": focus,
        "trend": trend,
        "people_page": people_page,
        "badges": STATUS_BADGES,
        "coverage": selectors.coverage_forecasts(user),
        "can_manage": user.has_perm("people.manage_hr"),
    }
    return render(request, "people/dashboard.html", context)


# --- units ----------------------------------------------------------------------------------


@hr_permission("people.manage_hr")
def unit_list(request):
    units = selectors.visible_units(request.user).select_related("head__user")
    counts = dict(
        StaffProfile.objects.exclude(status=StaffProfile.Status.LEFT)
        .filter(unit__in=units)
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    rows = [{"unit": u, "indent": range(u.depth - 1), "staff": counts.get(u.pk, 0)} for u in units]
    return render(request, "people/unit_list.html", {"rows": rows})


@hr_permission("people.manage_hr")
def unit_create(request):
    units = selectors.visible_units(request.user)
    form = UnitForm(request.POST or None, units=units)
    created = _save_valid_form(
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
    unit = _visible_unit(request, code)
    initial = {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind,
        "head_employee_id": unit.head.employee_id if unit.head_id else "",
    }
    form = UnitForm(request.POST or None, initial=initial, editing=True)
    saved = _save_valid_form(
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
    unit = _visible_unit(request, code)
    targets = selectors.visible_units(request.user).exclude(path__startswith=unit.path)
    form = UnitMoveForm(request.POST or None, units=targets)
    moved = _save_valid_form(
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


# --- staff ----------------------------------------------------------------------------------


@hr_permission("people.use_hr")
def staff_list(request):
    user = request.user
    unit = None
    code = request.GET.get("unidad", "")
    if code:
        unit = selectors.visible_units(user).filter(code=code).first()
    status = request.GET.get("estado", "")
    if status not in StaffProfile.Status.values:
        status = ""
    text = request.GET.get("q", "").strip()[:100]
    people = selectors.staff_search(
        selectors.visible_staff(user), text=text, unit=unit, status=status
    )
    page = Paginator(people, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "people/staff_list.html",
        {
            "page": page,
            "q": text,
            "unit": unit,
            "units": selectors.visible_units(user),
            "status": status,
            "statuses": StaffProfile.Status.choices,
            "can_manage": user.has_perm("people.manage_hr"),
        },
    )


@hr_permission("people.manage_hr")
def staff_create(request):
    units = selectors.visible_units(request.user)
    form = StaffForm(
        request.POST or None, units=units, initial={"start_date": timezone.localdate()}
    )
    profile = _save_valid_form(
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
    profile = _visible_profile(request, pk)
    if not request.user.has_perm("people.change_profile", profile):
        raise Http404
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
    saved = _save_valid_form(
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
    profile = _visible_profile(request, pk)
    form = StatusForm(
        request.POST or None, initial={"status": profile.status, "end_date": profile.end_date}
    )
    saved = _save_valid_form(
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


def _certificates_for(user) -> list:
    return list(certificates_for_learner(user))


@hr_permission("people.use_hr")
def staff_detail(request, pk):
    profile = _visible_profile(request, pk)
    enrolments = list(
        Enrolment.objects.filter(learner=profile.user)
        .select_related("course")
        .order_by("course__title", "-cycle")
    )
    staff = StaffProfile.objects.filter(pk=profile.pk)
    compliance = []
    for requirement in selectors.requirements_for_profile(profile):
        row = selectors.compliance_queryset(requirement, staff).first()
        if row is not None:
            compliance.append({"requirement": requirement, "row": row})
    return render(
        request,
        "people/staff_detail.html",
        {
            "profile": profile,
            "enrolments": enrolments,
            "attempts": list(selectors.attempts_for(profile.user)[:100]),
            "certificates": _certificates_for(profile.user),
            "compliance": compliance,
            "badges": STATUS_BADGES,
            "labels": {s: exports.status_label(s) for s in Compliance.ALL},
            "never": selectors.NEVER,
            "can_manage": request.user.has_perm("people.change_profile", profile),
            "can_personal_data": request.user.has_perm("people.personal_data"),
        },
    )


@hr_permission("people.personal_data")
def personal_data_export(request, pk):
    profile = _visible_profile(request, pk)
    content = personal_data_zip(profile=profile, user=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="datos-personales-{profile.employee_id}.zip"'
    )
    return response


@require_POST
@hr_permission("people.personal_data")
def anonymise(request, pk):
    profile = _visible_profile(request, pk)
    try:
        person_anonymise(profile=profile, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person was anonymised."))
    return redirect("people:staff_detail", pk=profile.pk)


# --- import ---------------------------------------------------------------------------------


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
    if fmt == "xlsx":
        return exports.xlsx_response("plantilla-personal.xlsx", rows[0], rows[1:])
    return exports.stream_csv("plantilla-personal.csv", rows[0], rows[1:])


# --- requirements and coverage --------------------------------------------------------------


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
    saved = _save_valid_form(
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
    requirements = Requirement.objects.select_related("course", "unit").order_by("-active", "pk")
    if not request.user.has_perm("people.manage_institution"):
        # A scoped officer sees the requirements of their units and those for everyone.
        requirements = requirements.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return render(
        request,
        "people/requirement_list.html",
        {"form": form, "requirements": requirements, "editing": requirement},
    )


@hr_permission("people.manage_hr")
def coverage_list(request, pk=None):
    units = selectors.visible_units(request.user)
    rule = get_object_or_404(CoverageRule, pk=pk, unit__in=units) if pk else None
    form = CoverageRuleForm(request.POST or None, instance=rule, units=units)
    saved = _save_valid_form(
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


# --- HR officers' scopes --------------------------------------------------------------------


@hr_permission("people.manage_institution")
def scope_list(request):
    officers = selectors.hr_officers()
    form = HRScopeForm(
        request.POST or None, officers=officers, units=selectors.visible_units(request.user)
    )
    added = _save_valid_form(
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


# --- exports --------------------------------------------------------------------------------


def _export_staff(request):
    staff = selectors.visible_staff(request.user)
    unit = _visible_unit(request, request.GET.get("unidad"))
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    return staff


@hr_permission("people.use_hr")
def export_matrix(request, fmt):
    staff = _export_staff(request)
    requirements = _requirements()
    if request.GET.get("requisito"):
        requirements = [r for r in requirements if str(r.pk) == request.GET["requisito"]]
    status = request.GET.get("estado", "")
    status = status if status in Compliance.ALL else ""
    rows = exports.matrix_rows(staff, requirements, status)
    name = f"cumplimiento-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", exports.matrix_header(), rows)
    return exports.stream_csv(f"{name}.csv", exports.matrix_header(), rows)


@hr_permission("people.use_hr")
def export_transcripts(request, fmt):
    staff = _export_staff(request)
    if request.GET.get("persona"):
        staff = staff.filter(pk=parse_id(request.GET["persona"]) or 0)
    rows = exports.transcript_rows(staff)
    name = f"historial-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", exports.transcript_header(), rows)
    return exports.stream_csv(f"{name}.csv", exports.transcript_header(), rows)


@hr_permission("people.manage_hr")
def export_aggregate(request):
    staff = _export_staff(request)
    return exports.stream_csv(
        f"capacitacion-agregada-{timezone.localdate().isoformat()}.csv",
        exports.aggregate_header(),
        exports.aggregate_rows(staff),
    )


def url_for_unit(unit: OrgUnit) -> str:
    return reverse("people:dashboard") + f"?unidad={unit.code}"
