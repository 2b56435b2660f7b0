import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, ProtectedError
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.filters import PopularTagsFilter, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    CopyView,
    DeleteView,
    EditView,
    HistoryView,
    InspectView,
    PreviewOnEditView,
    SnippetViewSet,
    SnippetViewSetGroup,
    UsageView,
)
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView

from core.api import search_words

from . import admin_views, selectors, services
from .admin_forms import (
    QuestionAdminForm,
    QuestionCategoryAdminForm,
    QuestionPickerFilterForm,
    QuizAdminForm,
)
from .models import Question, QuestionCategory, Quiz


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    actions.register_action(
        "assessments.questions_imported", _("Questions imported"), _("Questions imported")
    )
    actions.register_action("assessments.quiz_regraded", _("Quiz regraded"), _("Quiz regraded"))


# Wagtail's Spanish "El %(model_name)s no puede ser creado" gets the gender of "pregunta" and
# "evaluación" wrong: these say it without the model's name.
CREATE_ERROR = _("It could not be created: correct the errors shown below.")
SAVE_ERROR = _("The changes could not be saved: correct the errors shown below.")


class CreateView(SnippetCreateView):
    error_message = CREATE_ERROR


def guarded(view_class, permission: str, **attributes):
    """`view_class` refusing (403) an object the user lacks the object `permission` for.
    Applied to every view that opens one object (edit, delete, copy, history, usage, inspect)."""

    class Guarded(view_class):
        def get_object(self, *args, **kwargs):
            obj = super().get_object(*args, **kwargs)
            if not self.request.user.has_perm(permission, obj):
                raise PermissionDenied
            return obj

    for name, value in attributes.items():
        setattr(Guarded, name, value)
    Guarded.__name__ = f"Guarded{view_class.__name__}"
    return Guarded


def words_only_search(view_class):
    """The listing's search box hands the backend only the words typed: SQLite's FTS5 reads
    quotes, parentheses and AND/OR/NEAR as syntax and answers a 500 to a lone quote."""

    class WordsOnly(view_class):
        @cached_property
        def search_query(self):
            return search_words(super().search_query)

    WordsOnly.__name__ = f"WordsOnly{view_class.__name__}"
    return WordsOnly


class GuardedViewSetMixin:
    """Object rules on every per-object view of a snippet viewset: `view_permission` to look
    (inspect, usage), `edit_permission` to change (edit, delete, copy, history)."""

    view_permission = ""
    edit_permission = ""
    add_view_class = CreateView

    @property
    def index_view_class(self):
        return words_only_search(super().index_view_class)

    @property
    def index_results_view_class(self):
        return words_only_search(super().index_results_view_class)

    @property
    def edit_view_class(self):
        return guarded(EditView, self.edit_permission, error_message=SAVE_ERROR)

    @property
    def delete_view_class(self):
        return guarded(DeleteView, self.edit_permission)

    @property
    def copy_view_class(self):
        return guarded(CopyView, self.edit_permission, error_message=CREATE_ERROR)

    @property
    def history_view_class(self):
        return guarded(HistoryView, self.edit_permission)

    @property
    def usage_view_class(self):
        return guarded(UsageView, self.view_permission)

    @property
    def preview_on_edit_view_class(self):
        # The preview of an existing question renders its answers: like editing it.
        return guarded(PreviewOnEditView, self.edit_permission)

    @property
    def inspect_view_class(self):
        return guarded(InspectView, self.view_permission)


def visible_chooser(selector, filter_form_class=None):
    """A snippet chooser (the quiz form's question and category pickers) listing only what
    `selector(user)` returns, filtered by `filter_form_class` (built with the user) if given."""

    class Visible:
        def get_object_list(self):
            return selector(self.request.user)

        def get_filter_form(self):
            if filter_form_class is None:
                return super().get_filter_form()
            return filter_form_class(self.request.GET, user=self.request.user)

    class Choose(Visible, ChooseView):
        pass

    class Results(Visible, ChooseResultsView):
        pass

    class Chooser(SnippetChooserViewSet):
        choose_view_class = Choose
        choose_results_view_class = Results

    return Chooser


class QuestionCategoryViewSet(GuardedViewSetMixin, SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-1"
    menu_label = _("Categories")
    list_display = ["path_name", "course", "description"]
    search_fields = ["name"]
    view_permission = "assessments.view_bank_item"
    edit_permission = "assessments.edit_bank_item"
    edit_handler = ObjectList(QuestionCategory.panels, base_form_class=QuestionCategoryAdminForm)
    chooser_viewset_class = visible_chooser(selectors.categories_visible_to)

    def get_queryset(self, request):
        return selectors.categories_visible_to(request.user)


class QuestionFilterSet(WagtailFilterSet):
    """The bank's filters. `tags` is a ClusterTaggableManager, which django-filter cannot turn
    into a filter by itself (the listing answered 500): it is filtered by tag name here."""

    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=lambda request: selectors.categories_visible_to(request.user)
    )
    tag = PopularTagsFilter(
        label=_("Tag"),
        field_name="tags__name",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        use_subquery=True,
    )

    class Meta:
        model = Question
        fields = ["qtype", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's popular_tags_for_model counts generic tagged items; the bank has its own
        # through model (QuestionTag).
        popular = (
            Tag.objects.filter(assessments_questiontag_items__isnull=False)
            .annotate(uses=Count("assessments_questiontag_items"))
            .order_by("-uses", "name")[:30]
        )
        self.filters["tag"].extra["choices"] = [(tag.name, tag.name) for tag in popular]


class QuestionViewSet(GuardedViewSetMixin, SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["title", "qtype", "category", "updated_at"]
    filterset_class = QuestionFilterSet
    # None: every indexed field of the model. Naming fields breaks on SQLite, whose search
    # backend has a column for the title only ("no such column: stem", a 500 on any search).
    search_fields = None
    inspect_view_enabled = True  # how trainers read a shared question they may not edit
    # The answers are read in the preview (as learners see them), never as stored JSON.
    inspect_view_fields = [
        "title",
        "category",
        "qtype",
        "stem",
        "points",
        "general_feedback",
        "tags",
        "idnumber",
        "created_at",
        "updated_at",
    ]
    view_permission = "assessments.view_bank_item"
    edit_permission = "assessments.edit_bank_item"
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionAdminForm)
    chooser_viewset_class = visible_chooser(
        selectors.questions_visible_to, filter_form_class=QuestionPickerFilterForm
    )

    def get_queryset(self, request):
        return selectors.questions_visible_to(request.user).select_related("category")


QUIZ_HAS_ATTEMPTS = _(
    "This quiz cannot be deleted: learners have attempted it and their grades are kept as "
    "history. Take it out of its course instead, or leave it as it is."
)


class QuizDeleteView(DeleteView):
    """A quiz with attempts is refused with a message, nothing deleted (Attempt.quiz is
    PROTECT: grades are history); Wagtail's usage check does not see attempts."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, QUIZ_HAS_ATTEMPTS)
            return redirect(self.get_success_url())


class QuizViewSet(GuardedViewSetMixin, SnippetViewSet):
    """A trainer sees and edits only the quizzes of the courses they own and their own drafts
    (administrators: all)."""

    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "course", "pass_mark", "max_attempts", "updated_at"]
    search_fields = ["title"]
    view_permission = "assessments.manage_quiz"
    edit_permission = "assessments.manage_quiz"
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizAdminForm)

    @property
    def delete_view_class(self):
        return guarded(QuizDeleteView, self.edit_permission)

    def get_queryset(self, request):
        return selectors.quizzes_managed_by(request.user)


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
