"""The six roles of Relevo. Each is a Django group created by a migration; apps add their own
model permissions to these groups in their own migrations (core cannot know their models)."""

import uuid

from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "Funcionario", _("Public servant (learner)")
    TRAINER = "Capacitador", _("Trainer")
    REVIEWER = "Revisor de contenidos", _("Content reviewer")
    CUSTODIAN = "Custodio de sistema", _("System custodian")
    HR = "Talento humano", _("Human resources")
    ADMIN = "Administrador", _("Administrator")


# A user's group names are cached under the roles version; any change of a membership or of a
# group bumps it (receivers below), so a new role, or a role taken away, counts at once. Rows
# written to the membership table itself (User.groups.through.objects...) send no signal: call
# roles_changed() after such writes, unless they only concern accounts created with them.
ROLES_VERSION_KEY = "core:roles-version"
ROLES_KEY_PREFIX = "core:roles:"
ROLES_TIMEOUT = 10 * 60


def _group_names(user) -> frozenset[str]:
    key = f"{ROLES_KEY_PREFIX}{user.pk}"
    found = cache.get_many([ROLES_VERSION_KEY, key])
    version = found.get(ROLES_VERSION_KEY)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = uuid.uuid4().hex
        cache.add(ROLES_VERSION_KEY, version, None)
        version = cache.get(ROLES_VERSION_KEY, version)
    names = frozenset(user.groups.values_list("name", flat=True))
    cache.set(key, (version, names), ROLES_TIMEOUT)
    return names


def user_roles(user) -> set[str]:
    """Names of the roles a user holds, from the cache, kept on the user object for the
    request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_relevo_roles", None)
    if cached is None:
        cached = set(_group_names(user))
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._relevo_roles = cached
    return cached


def _new_roles_version() -> None:
    cache.set(ROLES_VERSION_KEY, uuid.uuid4().hex, None)


def roles_changed(**_kwargs) -> None:
    """Forget every cached role now, and again when the transaction commits (a request that
    read the memberships before the commit must not keep them under the new version)."""
    _new_roles_version()
    transaction.on_commit(_new_roles_version)


def connect_role_receivers() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    memberships = get_user_model().groups.through
    m2m_changed.connect(roles_changed, sender=memberships, dispatch_uid="core-roles-m2m")
    post_save.connect(roles_changed, sender=Group, dispatch_uid="core-roles-group-save")
    post_delete.connect(roles_changed, sender=Group, dispatch_uid="core-roles-group-delete")


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})
