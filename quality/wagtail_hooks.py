"""Authoring in Wagtail's admin: surveys (a survey with responses is versioned, not edited),
learning-gain designs and indicators (a change of baseline or target is audited)."""

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from . import selectors, services
from .admin_forms import GainDesignAdminForm, IndicatorAdminForm
from .models import GainDesign, Indicator, QualityScope, Survey


@hooks.register("register_log_actions")
def register_quality_log_actions(actions):
    actions.register_action(
        "quality.indicator_target_changed",
        _("Baseline or target changed"),
        _("Baseline or target changed"),
    )
    actions.register_action(
        "quality.indicator_value_recorded", _("Indicator value recorded"), _("Value recorded")
    )
    actions.register_action("quality.survey_versioned", _("Survey versioned"), _("New version"))


@hooks.register("before_edit_snippet")
def version_answered_survey(request, instance):
    """Opening a survey that has responses opens its newest version, made now if needed:
    answered questions are never changed under their answers."""
    if isinstance(instance, Survey) and selectors.has_responses(instance):
        newest = Survey.objects.filter(lineage=instance.lineage).order_by("-version").first()
        if newest.pk == instance.pk:
            newest = services.survey_new_version(survey=instance, user=request.user)
        elif selectors.has_responses(newest):
            newest = services.survey_new_version(survey=newest, user=request.user)
        messages.info(
            request,
            _("This survey has responses: you are editing version %(v)s of it.")
            % {"v": newest.version},
        )
        return redirect("wagtailsnippets_quality_survey:edit", newest.pk)
    if isinstance(instance, Indicator):
        request._quality_before = services.indicator_snapshot(instance)
    return None


SURVEY_HAS_RESPONSES = _(
    "This survey cannot be deleted: it has responses, kept as the record of what people "
    "said. Make it inactive instead."
)


class SurveyDeleteView(DeleteView):
    """A survey with responses is refused with a message (SurveyResponse.survey is PROTECT)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, SURVEY_HAS_RESPONSES)
            return redirect(self.get_success_url())


@hooks.register("after_edit_snippet")
def audit_indicator_edit(request, instance):
    if isinstance(instance, Indicator):
        services.indicator_edited(
            indicator=instance, before=getattr(request, "_quality_before", {}), user=request.user
        )


class SurveyViewSet(SnippetViewSet):
    model = Survey
    icon = "form"
    menu_label = _("Surveys")
    # The version field has no translated verbose name; a column label avoids a migration.
    list_display = [
        "title",
        "course",
        "audience",
        Column("version", label=_("Version"), sort_key="version"),
        BooleanColumn("active", label=capfirst(_("active"))),  # not str(True): a tick, "Sí"
    ]
    list_filter = ["audience", "active"]
    search_fields = ["title"]
    delete_view_class = SurveyDeleteView


class GainDesignViewSet(SnippetViewSet):
    model = GainDesign
    icon = "pick"
    menu_label = _("Learning gain")
    list_display = ["course", "pre_quiz", "post_quiz"]
    edit_handler = ObjectList(GainDesign.panels, base_form_class=GainDesignAdminForm)


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "table"
    menu_label = _("Indicators")
    list_display = ["name", "source", "baseline", "target", "target_date"]
    edit_handler = ObjectList(Indicator.panels, base_form_class=IndicatorAdminForm)
    list_filter = ["source", "frequency"]
    search_fields = ["name"]


class QualityScopeViewSet(SnippetViewSet):
    """Which units a quality officer is limited to (administrators only, by permission)."""

    model = QualityScope
    icon = "group"
    menu_label = _("Quality scopes")
    list_display = ["user", "unit"]


class QualityGroup(SnippetViewSetGroup):
    items = (SurveyViewSet, GainDesignViewSet, IndicatorViewSet, QualityScopeViewSet)
    menu_icon = "table"
    menu_label = _("Training quality")
    menu_name = "quality"
    menu_order = 450


register_snippet(QualityGroup)
