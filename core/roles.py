"""The six roles of Relevo. Each is a Django group created by a migration; apps add their own
model permissions to these groups in their own migrations (core cannot know their models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "Funcionario", _("Public servant (learner)")
    TRAINER = "Capacitador", _("Trainer")
    REVIEWER = "Revisor de contenidos", _("Content reviewer")
    CUSTODIAN = "Custodio de sistema", _("System custodian")
    HR = "Talento humano", _("Human resources")
    ADMIN = "Administrador", _("Administrator")


def user_roles(user) -> set[str]:
    """Names of the roles a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_relevo_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._relevo_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})
