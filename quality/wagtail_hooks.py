"""Authoring in Wagtail's admin: surveys (a survey with responses is versioned, not edited),
learning-gain designs and indicators (a change of baseline or target is audited)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import selectors, services
from .models import GainDesign, Indicator, Survey


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
    """Opening a survey that has responses opens a new version of it instead."""
    if isinstance(instance, Survey) and selectors.has_responses(instance):
        if not instance.active:
            messages.warning(request, _("This version has responses and was replaced."))
            return None
        copy = services.survey_new_version(survey=instance, user=request.user)
        messages.info(
            request,
            _("This survey has responses: you are editing version %(v)s of it.")
            % {"v": copy.version},
        )
        return redirect("wagtailsnippets_quality_survey:edit", copy.pk)
    if isinstance(instance, Indicator):
        request._quality_before = services.indicator_snapshot(instance)
    return None


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
    list_display = ["title", "course", "audience", "version", "active"]
    list_filter = ["audience", "active"]
    search_fields = ["title"]


class GainDesignViewSet(SnippetViewSet):
    model = GainDesign
    icon = "pick"
    menu_label = _("Learning gain")
    list_display = ["course", "pre_quiz", "post_quiz"]


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "table"
    menu_label = _("Indicators")
    list_display = ["name", "source", "baseline", "target", "target_date"]
    list_filter = ["source", "frequency"]
    search_fields = ["name"]


class QualityGroup(SnippetViewSetGroup):
    items = (SurveyViewSet, GainDesignViewSet, IndicatorViewSet)
    menu_icon = "table"
    menu_label = _("Training quality")
    menu_name = "quality"
    menu_order = 450


register_snippet(QualityGroup)
