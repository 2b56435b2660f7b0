"""Object rules of the courses app (django-rules): who owns a course, who sees its reports."""

import rules

from core.api import Role, has_role


@rules.predicate
def is_course_owner(user, course) -> bool:
    if course is None or not getattr(user, "is_authenticated", False):
        return False
    owner_ids = getattr(course, "_owner_ids", None)
    if owner_ids is None:
        # A page loaded from a draft revision holds its owners in a modelcluster FakeQuerySet,
        # which supports iteration but not values_list("pk").
        owner_ids = {owner.pk for owner in course.owners.all()}
        course._owner_ids = owner_ids
    return user.pk in owner_ids


@rules.predicate
def is_courses_admin(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or has_role(user, Role.ADMIN))
    )


@rules.predicate
def is_trainer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and has_role(user, Role.TRAINER))


can_view_course_reports = is_courses_admin | is_course_owner
can_list_course_reports = is_courses_admin | is_trainer

rules.set_perm("courses.view_course_report", can_view_course_reports)
rules.set_perm("courses.list_course_reports", can_list_course_reports)
