"""The "Mis certificados" section on /mi-aprendizaje/ (courses.hooks.register_my_learning_panel)."""

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from courses import api as courses_api
from courses import hooks as courses_hooks

from .models import Certificate
from .selectors import certificates_for_learner


def my_learning_panel(request):
    if not request.user.is_authenticated:
        return None
    certificates = list(
        certificates_for_learner(request.user).exclude(status=Certificate.Status.SUPERSEDED)[:5]
    )
    return {
        "template": "certificates/includes/my_learning_panel.html",
        "context": {"certificates": certificates, "title": _("My certificates")},
    }


def register_panels() -> None:
    courses_hooks.register_my_learning_panel(my_learning_panel)
    _connect_cache_receivers()


def _connect_cache_receivers() -> None:
    """The panel is part of the learner's cached "Mi aprendizaje": a certificate issued,
    revoked or superseded tells courses."""
    for signal in (post_save, post_delete):
        flag = "save" if signal is post_save else "delete"
        signal.connect(
            courses_api.learner_changed, sender=Certificate, dispatch_uid=f"certificates-{flag}"
        )
