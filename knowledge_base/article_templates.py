"""Starting templates (Markdown headings) offered to a new article of each kind.

The admin form pre-fills the body with the template of the chosen kind while the author has
not written anything else (knowledge_base/static/knowledge_base/article-templates.js swaps it
when the kind changes)."""

from django.utils.translation import gettext as _


def article_templates() -> dict[str, str]:
    """Templates keyed by ArticlePage.Kind value, in the active language."""
    return {
        "runbook": "\n\n".join(
            [
                "## " + _("Purpose"),
                "## " + _("When to run it"),
                "## " + _("Prerequisites and access"),
                "## " + _("Steps"),
                "1. \n2. \n3. ",
                "## " + _("Verification"),
                "## " + _("Rollback"),
                "## " + _("Contacts and escalation"),
            ]
        ),
        "howto": "\n\n".join(
            [
                "## " + _("Goal"),
                "## " + _("Before you start"),
                "## " + _("Steps"),
                "1. \n2. \n3. ",
                "## " + _("Result"),
                "## " + _("See also"),
            ]
        ),
        "architecture": "\n\n".join(
            [
                "## " + _("Context"),
                "## " + _("Decision"),
                "## " + _("Alternatives considered"),
                "## " + _("Consequences"),
                "## " + _("Status and date"),
            ]
        ),
        "troubleshooting": "\n\n".join(
            [
                "## " + _("Symptom"),
                "## " + _("Likely causes"),
                "## " + _("Diagnosis"),
                "## " + _("Solution"),
                "## " + _("Prevention"),
            ]
        ),
        "handover": "\n\n".join(
            [
                "## " + _("What I hand over"),
                "## " + _("Daily and periodic tasks"),
                "## " + _("Open issues and pending work"),
                "## " + _("Access, credentials and where they are kept"),
                "## " + _("Key contacts"),
                "## " + _("Documents and links"),
            ]
        ),
        "glossary": "\n\n".join(
            [
                "## " + _("Terms"),
                "| " + _("Term") + " | " + _("Definition") + " |\n|---|---|\n|  |  |",
                "## " + _("Acronyms"),
            ]
        ),
    }
