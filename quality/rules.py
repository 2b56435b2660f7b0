"""Who may see and change what in quality (django-rules predicates, one place)."""

from __future__ import annotations

import rules

from core.api import Role, has_role
from courses import api as courses_api
from people import api as people_api

from .models import QUALITY_ROLE


@rules.predicate
def is_admin(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or has_role(user, Role.ADMIN))
    )


@rules.predicate
def is_quality_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, QUALITY_ROLE))


@rules.predicate
def is_hr(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, Role.HR))


@rules.predicate
def is_institution_wide(user) -> bool:
    """Sees the institution's row: administrators, quality officers, HR not limited to units."""
    if is_admin(user) or is_quality_officer(user):
        return True
    return bool(is_hr(user) and not people_api.scope_is_limited(user=user))


@rules.predicate
def owns_course(user, course) -> bool:
    return bool(
        course is not None
        and getattr(user, "is_authenticated", False)
        and courses_api.is_course_owner(user=user, course=course)
    )


can_view_matrix = is_admin | is_quality_officer | is_hr
can_manage_indicators = is_admin | is_quality_officer
can_view_course_quality = is_admin | is_quality_officer | is_hr | owns_course


def can_view_survey_results(user, survey) -> bool:
    if is_admin(user) or is_quality_officer(user) or is_institution_wide(user):
        return True
    course = survey.course
    return course is not None and owns_course(user, course)


rules.set_perm("quality.view_matrix", can_view_matrix)
rules.set_perm("quality.manage_indicators", can_manage_indicators)
rules.set_perm("quality.view_course_quality", can_view_course_quality)
