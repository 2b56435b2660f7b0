"""The "Mis certificados" section on /mi-aprendizaje/, when courses offers that registry."""

from importlib import import_module

from django.utils.translation import gettext_lazy as _


def my_learning_panel(request):
    if not request.user.is_authenticated:
        return None
    from .selectors import certificates_for_learner

    certificates = list(certificates_for_learner(request.user).exclude(status="superseded")[:5])
    return {
        "template": "certificates/includes/my_learning_panel.html",
        "context": {"certificates": certificates, "title": _("My certificates")},
    }


def register_panels() -> None:
    try:
        extensions = import_module("courses.extensions")
    except ModuleNotFoundError:
        return
    register = getattr(extensions, "register_my_learning_panel", None)
    if register is not None:
        register(my_learning_panel)
        _connect_cache_receivers()


def _connect_cache_receivers() -> None:
    """The panel is part of the learner's cached "Mi aprendizaje": a certificate issued,
    revoked or superseded tells courses."""
    from django.db.models.signals import post_delete, post_save

    from courses.cache import learner_changed

    from .models import Certificate

    for signal in (post_save, post_delete):
        flag = "save" if signal is post_save else "delete"
        signal.connect(learner_changed, sender=Certificate, dispatch_uid=f"certificates-{flag}")
