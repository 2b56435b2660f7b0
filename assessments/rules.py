"""Object rules: who manages a quiz (its results, statistics, regrading) and who sees an attempt."""

import rules

from core.api import Role, has_role
from courses import api as courses_api


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMIN)))


@rules.predicate
def is_trainer(user) -> bool:
    return bool(user.is_authenticated and has_role(user, Role.TRAINER))


@rules.predicate
def owns_quiz(user, quiz) -> bool:
    """A trainer manages the quizzes of the courses they own (or, for a quiz not yet placed
    in a course, the quizzes they created)."""
    if quiz is None or not user.is_authenticated:
        return False
    if quiz.course_id:
        return courses_api.is_course_owner(user=user, course=quiz.course)
    return quiz.created_by_id == user.pk


@rules.predicate
def is_attempt_learner(user, attempt) -> bool:
    return attempt is not None and user.is_authenticated and attempt.learner_id == user.pk


can_manage_quiz = is_admin | (is_trainer & owns_quiz)

rules.add_perm("assessments.manage_quiz", can_manage_quiz)
rules.add_perm("assessments.view_own_attempt", is_attempt_learner)
