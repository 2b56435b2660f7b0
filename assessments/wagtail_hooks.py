from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from . import admin_views, rules, services
from .models import Question, QuestionCategory, Quiz


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    actions.register_action(
        "assessments.questions_imported", _("Questions imported"), _("Questions imported")
    )
    actions.register_action("assessments.quiz_regraded", _("Quiz regraded"), _("Quiz regraded"))


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-1"
    menu_label = _("Categories")
    list_display = ["path_name", "description"]
    search_fields = ["name"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["title", "qtype", "category", "updated_at"]
    list_filter = ["qtype", "category", "tags"]
    search_fields = ["title", "stem"]


class OwnQuizMixin:
    """A trainer edits only the quizzes of the courses they own (administrators: all)."""

    def get_object(self, queryset=None):
        quiz = super().get_object(queryset)
        if not self.request.user.has_perm("assessments.manage_quiz", quiz):
            raise PermissionDenied
        return quiz


class QuizEditView(OwnQuizMixin, EditView):
    pass


class QuizDeleteView(OwnQuizMixin, DeleteView):
    pass


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "course", "pass_mark", "max_attempts", "updated_at"]
    search_fields = ["title"]
    edit_view_class = QuizEditView
    delete_view_class = QuizDeleteView

    def get_queryset(self, request):
        quizzes = Quiz.objects.select_related("course")
        if rules.is_admin(request.user):
            return quizzes
        return quizzes.filter(
            Q(course__owners=request.user) | Q(course__isnull=True, created_by=request.user)
        ).distinct()


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class AssessmentsGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet, QuizViewSet)
    menu_icon = "tasks"
    menu_label = _("Assessments")
    menu_name = "assessments"
    menu_order = 250

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            PermissionMenuItem(
                _("Import / export"),
                reverse("assessments_admin:import"),
                name="assessments-import",
                icon_name="upload",
                order=len(items) + 1,
                permission="assessments.add_question",
            )
        )
        return items


register_snippet(AssessmentsGroup)


@hooks.register("register_admin_urls")
def register_assessment_admin_urls():
    urls = [
        path("importar/", admin_views.QuestionImportView.as_view(), name="import"),
        path("exportar/", admin_views.question_export, name="export"),
    ]
    return [path("evaluaciones/", include((urls, "assessments_admin")))]


def _sync_question_version(request, instance):
    if isinstance(instance, Question):
        services.question_version_sync(question_id=instance.pk)


def _record_author(request, instance):
    if isinstance(instance, Quiz | Question) and instance.created_by_id is None:
        type(instance).objects.filter(pk=instance.pk).update(created_by=request.user)


hooks.register("after_create_snippet", _record_author)
hooks.register("after_create_snippet", _sync_question_version)
hooks.register("after_edit_snippet", _sync_question_version)
