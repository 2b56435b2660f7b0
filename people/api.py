"""People's public API: the only people module (with `people.hooks`) other apps import. (The
HTTP read API for integrations is `people.http_api`.)

Read models: `StaffProfile` and `OrgUnit` may be queried (read only) by the apps above and
compared with `StaffStatus`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from . import selectors
from .models import OrgUnit, StaffProfile

__all__ = [
    "OrgUnit",
    "StaffProfile",
    "StaffStatus",
    "active_requirements",
    "active_staff",
    "learner_ids_in_scope",
    "managers_of",
    "requirement_coverage",
    "scope_is_limited",
    "staff_in_scope",
    "staff_profile_for_email",
    "unit_staff_user_ids",
    "units_visible_to",
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


def units_visible_to(*, user) -> QuerySet[OrgUnit]:
    """The units a user may see (all, a scoped HR officer's subtrees, a manager's), by path."""
    return selectors.visible_units(user)


def unit_staff_user_ids(*, unit_id: int) -> QuerySet:
    """User ids of the people working today in a unit's subtree, as a subquery."""
    return selectors.unit_staff_user_ids(unit_id=unit_id)


def requirement_coverage(
    *, requirement_id: int, unit_id: int | None = None, on: date | None = None
) -> tuple[int, int]:
    """(people holding a valid certificate, people in scope) of a required training, over the
    institution or a unit's subtree, at the end of `on`'s day (default today)."""
    return selectors.requirement_coverage(requirement_id=requirement_id, unit_id=unit_id, on=on)


def managers_of(*, user_ids) -> dict:
    """{user id: the manager's account} for those of these people who have a manager."""
    return selectors.managers_of(user_ids=user_ids)


def active_requirements() -> QuerySet:
    """The required trainings HR has switched on, course and unit loaded."""
    return selectors.active_requirements()
