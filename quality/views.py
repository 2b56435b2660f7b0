"""Thin views of the quality app: answering a survey, its results and CSV, the results matrix
(page, XLSX, signed PDF), an indicator's data, manual values, and the trainer's course view."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import api as assessments_api
from core.api import csv_response, min_group_size, parse_id, xlsx_response
from courses import api as courses_api
from people import api as people_api

from . import indicators, report, rules, selectors, services
from .forms import ManualValueForm
from .models import GainDesign, Indicator, IndicatorValue, Survey, SurveyParticipation


def _subject(request) -> int:
    raw = request.POST.get("sobre") or request.GET.get("sobre") or "0"
    value = parse_id(raw) if raw != "0" else 0
    if value is None:
        raise Http404
    return value


def _next_url(request) -> str:
    """The local page a survey leads to when done (the certificate it stood before), or ""."""
    raw = request.POST.get("siguiente") or request.GET.get("siguiente") or ""
    if raw.startswith("/") and url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return ""


def _survey_done(request, next_url: str):
    """Where a survey answered or skipped leads: the certificate it stood before (a page
    with the download link, not a download behind a form: the learner sees it happened),
    else "Mi aprendizaje"."""
    if next_url:
        return render(request, "quality/survey_done.html", {"next_url": next_url})
    return HttpResponseRedirect(reverse("courses:my_learning"))


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, survey_id: int):
    survey = get_object_or_404(Survey, pk=survey_id)
    subject = _subject(request)
    next_url = _next_url(request)
    participation = selectors.participation_for(survey=survey, user=request.user, subject=subject)
    if participation is None:
        raise PermissionDenied(_("This survey is not for you."))
    if participation.state != SurveyParticipation.State.PENDING:
        messages.info(request, _("You have already answered this survey. Thank you."))
        return _survey_done(request, next_url)
    # A newer version replaced the one in the link: ask the current one.
    survey = participation.survey
    errors = {}
    if request.method == "POST":
        try:
            if "skip" in request.POST:
                services.survey_skip(survey=survey, user=request.user, subject=subject)
                messages.info(request, _("Survey skipped. It will not be offered again."))
            else:
                services.survey_submit(
                    survey=survey, user=request.user, data=request.POST, subject=subject
                )
                messages.success(request, _("Thank you: your answers were recorded."))
            return _survey_done(request, next_url)
        except services.SurveyClosed:
            messages.info(request, _("You have already answered this survey. Thank you."))
            return _survey_done(request, next_url)
        except ValidationError as exc:
            errors = exc.message_dict
    questions = [
        {"question": q, "error": errors.get(f"q{q.pk}", [""])[0], "key": f"q{q.pk}"}
        for q in survey.questions.all()
    ]
    return render(
        request,
        "quality/survey_answer.html",
        {
            "survey": survey,
            "questions": questions,
            "subject": subject,
            "next_url": next_url,
            "data": request.POST if request.method == "POST" else {},
            "has_errors": bool(errors),
            "scale": range(1, 6),
        },
        status=422 if errors else 200,
    )


def _results_survey(request, survey_id: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("course"), pk=survey_id)
    if not rules.can_view_survey_results(request.user, survey):
        raise PermissionDenied
    return survey


@login_required
def survey_results(request, survey_id: int):
    survey = _results_survey(request, survey_id)
    return render(
        request,
        "quality/survey_results.html",
        {
            "results": selectors.survey_results(survey),
            "participation": selectors.participation_counts(survey),
            "versions": Survey.objects.filter(lineage=survey.lineage).order_by("version"),
        },
    )


@login_required
def survey_csv(request, survey_id: int):
    survey = _results_survey(request, survey_id)
    results = selectors.survey_results(survey)
    if results.hidden:
        raise PermissionDenied(_("Fewer responses than the minimum group size."))
    header = [_("Day"), *[q.text for q in survey.questions.all()]]
    return csv_response(
        f"encuesta-{survey.pk}-v{survey.version}.csv", header, selectors.survey_csv_rows(survey)
    )


# --- results matrix ----------------------------------------------------------------------------


class UnitUnavailable(Exception):
    """`unidad` names no unit, or one outside the user's scope."""


def unit_refusal(view):
    """The matrix and gain pages answer an unavailable `unidad` alike: 404 with a Spanish
    message (the same for unknown and out of scope, so a guessed id tells nothing), never a
    silent fallback to another unit's figures."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except UnitUnavailable:
            message = _("The unit you asked for does not exist or is outside your scope.")
            return render(request, "404.html", {"message": message}, status=404)

    return wrapper


def _requested_unit(request):
    """The unit named by `unidad` (None when absent), at any depth inside the user's scope."""
    raw = request.GET.get("unidad", "")
    if not raw:
        return None
    unit_id = parse_id(raw)
    candidates = people_api.OrgUnit.objects.filter(pk=unit_id) if unit_id else None
    unit = rules.visible_matrix_units(request.user, candidates).first() if unit_id else None
    if unit is None:
        raise UnitUnavailable
    return unit


def _matrix_scope(request):
    """(unit or None, units the user may pick); 403 for those without the matrix,
    UnitUnavailable for a unit outside their scope."""
    user = request.user
    if not rules.can_view_matrix(user):
        raise PermissionDenied
    units = list(rules.visible_matrix_units(user, indicators.matrix_units()).order_by("path"))
    unit = _requested_unit(request)
    if unit is not None:
        if unit not in units:  # below the matrix's levels: offered in the picker too
            units = sorted([*units, unit], key=lambda u: u.path)
        return unit, units
    if not rules.is_institution_wide(user):
        if not units:
            raise PermissionDenied
        return units[0], units
    return None, units


def _gain_drilldown(rows, query: str) -> None:
    """The learning-gain indicators link to the gain per unit of their course (or to the list
    of gain designs when they cover every course)."""
    gain_rows = [r for r in rows if r.indicator.source == Indicator.Source.GAIN]
    if not gain_rows:
        return
    designs = dict(GainDesign.objects.values_list("course_id", "pk"))
    for row in gain_rows:
        design_id = designs.get(row.indicator.course_id)
        if design_id:
            row.drilldown = reverse("quality:gain_units", args=[design_id]) + query
        else:
            row.drilldown = reverse("quality:gain_index") + query


@login_required
@unit_refusal
def matrix(request):
    unit, units = _matrix_scope(request)
    if unit is not None and unit.depth > indicators.UNIT_DEPTH:
        messages.info(
            request,
            _(
                "The matrix keeps monthly figures for the first two levels of the "
                "organisation; “%(unit)s” is counted in the unit above it."
            )
            % {"unit": unit.name},
        )
    rows = selectors.results_matrix(unit_id=unit.pk if unit else None)
    _gain_drilldown(rows, f"?unidad={unit.pk}" if unit else "")
    return render(
        request,
        "quality/matrix.html",
        {
            "rows": rows,
            "unit": unit,
            "units": units,
            "institution_wide": rules.is_institution_wide(request.user),
            "can_manage": rules.can_manage_indicators(request.user),
            "query": f"?unidad={unit.pk}" if unit else "",
        },
    )


def _export_rows(rows):
    for row in rows:
        ind = row.indicator
        yield [
            ind.name,
            ind.objective,
            ind.activity,
            ind.get_source_display(),
            ind.measure,
            float(ind.baseline),
            ind.baseline_date.isoformat(),
            row.current_value,
            row.current.period.isoformat() if row.current else "",
            float(ind.target),
            ind.target_date.isoformat(),
            ind.get_frequency_display(),
            ind.verification,
            row.light,
        ]


EXPORT_HEADER = [
    "Indicador",
    "Objetivo",
    "Actividad",
    "Fórmula",
    "Unidad de medida",
    "Línea base",
    "Fecha línea base",
    "Valor actual",
    "Periodo",
    "Meta",
    "Fecha meta",
    "Frecuencia",
    "Fuente de verificación",
    "Semáforo",
]


@login_required
@unit_refusal
def matrix_xlsx(request):
    unit, _units = _matrix_scope(request)
    rows = selectors.results_matrix(unit_id=unit.pk if unit else None)
    name = f"matriz-resultados-{unit.code if unit else 'institucion'}.xlsx"
    return xlsx_response(name, EXPORT_HEADER, _export_rows(rows))


@login_required
@unit_refusal
def matrix_pdf(request):
    unit, _units = _matrix_scope(request)
    rows = selectors.results_matrix(unit_id=unit.pk if unit else None)
    pdf = report.report_pdf(rows=rows, unit_name=unit.name if unit else _("Institution"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="informe-anual-capacitacion.pdf"'
    return response


@login_required
def open_data(request):
    """The institution's indicators for the open-data catalogue: the latest value of each, a
    value over fewer people than the minimum group size left empty."""
    if not rules.can_view_open_data(request.user):
        raise PermissionDenied
    keys = [
        "indicator",
        "unit_of_measure",
        "baseline",
        "baseline_date",
        "target",
        "target_date",
        "period",
        "value",
    ]
    rows = (
        [row[k] if row[k] is not None else "" for k in keys] for row in selectors.open_data_rows()
    )
    return csv_response("indicadores-datos-abiertos.csv", keys, rows)


@login_required
@unit_refusal
def indicator_detail(request, indicator_id: int):
    unit, _units = _matrix_scope(request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    return render(
        request,
        "quality/indicator.html",
        {
            "indicator": indicator,
            "unit": unit,
            "series": selectors.indicator_series(
                indicator=indicator, unit_id=unit.pk if unit else None
            ),
            "can_manage": rules.can_manage_indicators(request.user),
            "query": f"?unidad={unit.pk}" if unit else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_value(request, indicator_id: int):
    if not rules.can_manage_indicators(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(Indicator, pk=indicator_id, source=Indicator.Source.MANUAL)
    form = ManualValueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.indicator_value_record(
                indicator=indicator,
                period=data["period"],
                value=data["value"],
                evidence=data["evidence"],
                user=request.user,
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Value recorded with its evidence."))
            return HttpResponseRedirect(reverse("quality:indicator", args=[indicator.pk]))
    return render(
        request,
        "quality/indicator_value.html",
        {"indicator": indicator, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def evidence(request, value_id: int):
    if not rules.can_view_matrix(request.user):
        raise PermissionDenied
    value = get_object_or_404(IndicatorValue, pk=value_id)
    if not value.evidence:
        raise Http404
    if not rules.is_institution_wide(request.user) and not rules.is_hr(request.user):
        # A quality officer limited to units: only the evidence of their units' values.
        units = rules.visible_matrix_units(request.user, indicators.matrix_units())
        if value.unit_id is None or not units.filter(pk=value.unit_id).exists():
            raise PermissionDenied
    return FileResponse(value.evidence.open("rb"), as_attachment=True)


# --- learning gain per unit -------------------------------------------------------------------


def _gain_units(request) -> list:
    """The units whose gain this user may see (the matrix's units within their scope); 403
    without the role, or for someone limited to units who has none."""
    user = request.user
    if not rules.can_view_gain(user):
        raise PermissionDenied
    units = list(rules.visible_matrix_units(user, indicators.matrix_units()).order_by("path"))
    if not units and not rules.is_institution_wide(user):
        raise PermissionDenied
    return units


@login_required
@unit_refusal
def gain_index(request):
    _gain_units(request)
    _requested_unit(request)
    designs = GainDesign.objects.select_related("course", "pre_quiz", "post_quiz").order_by(
        "course__title"
    )
    return render(
        request,
        "quality/gain_index.html",
        {"designs": designs, "query": _unit_query(request)},
    )


def _unit_query(request) -> str:
    unit_id = parse_id(request.GET.get("unidad", ""))
    return f"?unidad={unit_id}" if unit_id else ""


@login_required
@unit_refusal
def gain_units(request, design_id: int):
    units = _gain_units(request)
    unit = _requested_unit(request)
    if unit is not None and unit not in units:  # below the matrix's levels: its row too
        units = sorted([*units, unit], key=lambda u: u.path)
    design = get_object_or_404(
        GainDesign.objects.select_related("course", "pre_quiz", "post_quiz"), pk=design_id
    )
    institution_wide = rules.is_institution_wide(request.user)
    institution, rows = selectors.gain_by_unit(
        design=design, units=units, with_institution=institution_wide
    )
    selected = unit.pk if unit else None
    return render(
        request,
        "quality/gain_units.html",
        {
            "design": design,
            "institution": institution,
            "rows": rows,
            "selected": selected,
            "min_size": min_group_size(),
            "query": f"?unidad={selected}" if selected else "",
        },
    )


# --- trainer view ------------------------------------------------------------------------------


@login_required
def course_quality(request, course_id: int):
    course = get_object_or_404(courses_api.CoursePage, pk=course_id)
    if not rules.can_view_course_quality(request.user, course):
        raise PermissionDenied
    surveys = list(
        Survey.objects.filter(course=course).select_related("course").order_by("title", "-version")
    )
    results = [selectors.survey_results(s) for s in surveys]
    design = GainDesign.objects.filter(course=course).first()
    gain = selectors.course_gain(design=design) if design else None
    completed, enrolled = courses_api.completion_counts(course_id=course.pk)
    quizzes = list(assessments_api.Quiz.objects.filter(course=course).order_by("title"))
    flags = [(quiz, assessments_api.quiz_item_flags(quiz_id=quiz.pk)) for quiz in quizzes]
    low_lessons = selectors.low_rated_lessons(course_id=course.pk)
    return render(
        request,
        "quality/course.html",
        {
            "course": course,
            "results": results,
            "gain": gain,
            "completed": completed,
            "enrolled": enrolled,
            "rate": round(100 * completed / enrolled) if enrolled else None,
            "flags": flags,
            "low_lessons": low_lessons,
            "improve": bool(low_lessons) or any(f for _q, f in flags),
        },
    )
