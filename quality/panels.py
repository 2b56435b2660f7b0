"""The learner's pending surveys as a section of "Mi aprendizaje" (courses' panel hook)."""

from django.utils.translation import gettext_lazy as _

from .selectors import pending_participations


def my_learning_panel(request) -> dict | None:
    if not request.user.is_authenticated:
        return None
    pending = pending_participations(user=request.user)
    if not pending:
        return None
    return {
        "template": "quality/includes/my_learning_panel.html",
        "context": {"pending": pending, "title": _("Surveys waiting for you")},
    }
