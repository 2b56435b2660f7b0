from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_knowledge_base_log_actions(actions):
    actions.register_action(
        "knowledge_base.article_reviewed", _("Article reviewed"), _("Marked as reviewed")
    )
    actions.register_action(
        "knowledge_base.handover_started", _("Handover started"), _("Handover started")
    )
    actions.register_action(
        "knowledge_base.handover_item_assigned",
        _("Handover successor assigned"),
        _("Handover successor assigned"),
    )
    actions.register_action(
        "knowledge_base.handover_item_accepted",
        _("Handover item accepted"),
        _("Handover item accepted; ownership moved"),
    )
    actions.register_action(
        "knowledge_base.handover_completed", _("Handover completed"), _("Handover completed")
    )
    actions.register_action(
        "knowledge_base.handover_cancelled", _("Handover cancelled"), _("Handover cancelled")
    )


@hooks.register("insert_editor_js")
def article_template_switcher():
    return format_html(
        '<script src="{}" defer></script>', static("knowledge_base/article-templates.js")
    )
