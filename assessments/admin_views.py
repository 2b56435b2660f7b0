"""Wagtail admin screens beyond the snippet viewsets: import (upload, preview, confirm) and export."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .exports import category_to_gift
from .forms import ExportForm, ImportConfirmCourseForm, ImportUploadCourseForm
from .models import QuestionCategory, QuestionType


@method_decorator(
    permission_required("assessments.add_question", raise_exception=True), name="dispatch"
)
class QuestionImportView(WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "assessments/admin/import.html"

    def get(self, request):
        return self.render_to_response(
            self.get_context_data(
                upload_form=ImportUploadCourseForm(user=request.user),
                export_form=ExportForm(user=request.user),
            )
        )

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request)
        form = ImportUploadCourseForm(request.POST, request.FILES, user=request.user)
        context = {"upload_form": form, "export_form": ExportForm(user=request.user)}
        if form.is_valid():
            text = form.cleaned_data["text"]
            base = form.cleaned_data["category"]
            course = form.cleaned_data["course"]
            # Into a course without a base category, the file's paths start at the course's
            # default category, named after it (services._course_default_category).
            shown_base = base or (
                " ".join(course.title.replace("/", "-").split()) if course else ""
            )
            result = services.questions_import_preview(
                text=text, fmt=form.cleaned_data["format"], category_path=base, course=course
            )
            labels = dict(QuestionType.choices)
            context.update(
                result=result,
                rows=[
                    {
                        "line": q.line,
                        "title": q.title,
                        "type": labels.get(q.qtype, q.qtype),
                        "category": "/".join(p for p in (shown_base, q.category) if p),
                    }
                    for q in result.questions
                ],
                counts=[(labels[t], n) for t, n in result.counts().items()],
                confirm_form=ImportConfirmCourseForm(
                    user=request.user,
                    initial={
                        "text": text,
                        "format": form.cleaned_data["format"],
                        "category": base,
                        "course": getattr(course, "pk", ""),
                    },
                )
                if result.ok and result.questions
                else None,
            )
        return self.render_to_response(self.get_context_data(**context))

    def _confirm(self, request):
        form = ImportConfirmCourseForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("The import could not be confirmed: upload the file again."))
            return redirect("assessments_admin:import")
        try:
            report = services.questions_import(
                text=form.cleaned_data["text"],
                fmt=form.cleaned_data["format"],
                category_path=form.cleaned_data["category"],
                course=form.cleaned_data["course"],
                user=request.user,
            )
        except services.ImportFailed as exc:
            for error in exc.errors:
                messages.error(request, str(error))
            return redirect("assessments_admin:import")
        except services.AssessmentError as exc:
            messages.error(request, exc.message)
            return redirect("assessments_admin:import")
        messages.success(request, _("%(count)s questions imported.") % {"count": report.total})
        return redirect(reverse("wagtailsnippets_assessments_question:list"))


@permission_required("assessments.view_question", raise_exception=True)
def question_export(request):
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        if form.has_error("category", "invalid_choice"):
            # Another course's category, or none at all: the same 404, so a guessed id tells
            # nothing (the form only offers the categories the user may see).
            raise Http404
        messages.error(request, _("Choose a category to export."))
        return redirect("assessments_admin:import")
    category = get_object_or_404(QuestionCategory, pk=form.cleaned_data["category"].pk)
    text = category_to_gift(
        category_id=category.pk,
        include_subcategories=form.cleaned_data["include_subcategories"],
        user=request.user,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="preguntas-{category.pk}.gift.txt"'
    return response
