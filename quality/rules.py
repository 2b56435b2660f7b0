"""Who may see and change what in quality (django-rules predicates, one place)."""

from __future__ import annotations

import rules
from django.db.models import Q

from core.api import Role, has_role
from courses import api as courses_api
from people import api as people_api

from .models import QUALITY_ROLE, QualityScope


@rules.predicate
def is_admin(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or has_role(user, Role.ADMIN))
    )


@rules.predicate
def is_quality_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, QUALITY_ROLE))


def quality_scope_paths(user) -> list[str] | None:
    """Paths of the subtrees a quality officer is limited to; None when not limited (cached on
    the user object for the request)."""
    cached = getattr(user, "_relevo_quality_scope_paths", False)
    if cached is not False:
        return cached
    paths = list(QualityScope.objects.filter(user=user).values_list("unit__path", flat=True))
    result = paths or None
    user._relevo_quality_scope_paths = result
    return result


@rules.predicate
def is_unscoped_quality_officer(user) -> bool:
    """A quality officer for the whole institution (no QualityScope row)."""
    return bool(is_quality_officer(user) and quality_scope_paths(user) is None)


@rules.predicate
def is_scoped_quality_officer(user) -> bool:
    """A quality officer limited to some units: sees only those units' data."""
    return bool(is_quality_officer(user) and quality_scope_paths(user) is not None)


@rules.predicate
def is_hr(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, Role.HR))


@rules.predicate
def is_institution_wide(user) -> bool:
    """Sees the institution's row: administrators, quality officers and HR not limited to
    units."""
    if is_admin(user) or is_unscoped_quality_officer(user):
        return True
    return bool(is_hr(user) and not people_api.scope_is_limited(user=user))


def sees_every_unit(user) -> bool:
    """Administrators and unscoped quality officers pick any unit; HR and scoped quality
    officers only theirs."""
    return bool(is_admin(user) or is_unscoped_quality_officer(user))


@rules.predicate
def owns_course(user, course) -> bool:
    return bool(
        course is not None
        and getattr(user, "is_authenticated", False)
        and courses_api.is_course_owner(user=user, course=course)
    )


can_view_matrix = is_admin | is_quality_officer | is_hr
# Indicator values and the institution's course figures are the whole institution's data:
# not for a quality officer limited to units.
can_manage_indicators = is_admin | is_unscoped_quality_officer
can_view_course_quality = is_admin | is_unscoped_quality_officer | is_hr | owns_course
can_view_gain = is_admin | is_quality_officer | is_hr
can_view_open_data = is_admin | is_unscoped_quality_officer | is_hr


def visible_matrix_units(user, units):
    """The subset of `units` (a queryset of OrgUnit) this user may open in the matrix: every
    one for administrators and unscoped quality officers; an HR officer's visible units; a
    scoped quality officer's subtrees (the union when both roles are held)."""
    if sees_every_unit(user):
        return units
    allowed = units.none()
    if is_hr(user):
        allowed = allowed | (units & people_api.units_visible_to(user=user))
    paths = quality_scope_paths(user) if is_quality_officer(user) else None
    if paths:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        allowed = allowed | units.filter(condition)
    return allowed


def can_view_survey_results(user, survey) -> bool:
    if is_admin(user) or is_institution_wide(user):
        return True
    course = survey.course
    return course is not None and owns_course(user, course)


rules.set_perm("quality.view_matrix", can_view_matrix)
rules.set_perm("quality.manage_indicators", can_manage_indicators)
rules.set_perm("quality.view_course_quality", can_view_course_quality)
