"""People's public API: the only people module (with `people.hooks`) other apps import. (The
HTTP read API for integrations is `people.http_api`.)

Read models: `StaffProfile` and `OrgUnit` may be queried (read only) by the apps above and
compared with `StaffStatus`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from . import selectors
from .models import OrgUnit, StaffProfile

__all__ = [
    "OrgUnit",
    "StaffProfile",
    "StaffStatus",
    "active_staff",
    "learner_ids_in_scope",
    "scope_is_limited",
    "staff_in_scope",
    "staff_profile_for_email",
    "units_with_head",
]

StaffStatus = StaffProfile.Status


def staff_in_scope(*, user) -> QuerySet[StaffProfile]:
    """Every profile the user may see: all, their units' subtrees, their reports, or none."""
    return selectors.visible_staff(user)


def learner_ids_in_scope(*, user) -> QuerySet | None:
    """User ids of the people an HR officer limited to units may manage; None when not limited."""
    return selectors.learner_ids_in_scope(user)


def scope_is_limited(*, user) -> bool:
    """True when the user sees only part of the staff (a scoped HR officer or a manager)."""
    return selectors.learner_ids_in_scope(user) is not None


def active_staff() -> QuerySet[StaffProfile]:
    """People who work here today (active or announced as leaving), user and unit loaded."""
    return selectors.active_staff()


def units_with_head() -> QuerySet[OrgUnit]:
    """Units that have a head, the head's account loaded."""
    return OrgUnit.objects.filter(head__isnull=False).select_related("head__user")


def staff_profile_for_email(*, email: str) -> StaffProfile | None:
    """The profile of the account with this e-mail, else None."""
    return StaffProfile.objects.filter(user__email=email).select_related("user").first()
