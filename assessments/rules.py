"""Object rules of the assessments app (django-rules): the one place that says who may see,
edit and use quizzes, question categories and their questions, and who may take a quiz.

Course ownership reaches the question bank through categories:
- a category with a course belongs to that course: its owners (and administrators) see its
  questions with their answers, edit, delete, copy and see their history;
- a category with no course is *shared*: every trainer may read its questions and use them in
  their quizzes, only administrators edit it (or its questions).
A quiz belongs to its course: only the course's owners (and administrators) edit, delete, copy,
see results or regrade it; a quiz outside any course is a draft that only its creator (and
administrators) manage and preview. Learners take only quizzes of a course they are enrolled
in (the enrolment itself is checked by enrolments.quiz_enrolment inside the start service; the
quiz page and its start button check `assessments.start_quiz`).

The querysets that list what these rules allow are in selectors (categories_visible_to,
categories_editable_by, questions_visible_to, quizzes_managed_by); the admin viewsets and forms
use both (wagtail_hooks, admin_forms).
"""

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
def is_quiz_in_course(user, quiz) -> bool:
    return quiz is not None and quiz.course_id is not None


@rules.predicate
def is_attempt_learner(user, attempt) -> bool:
    return attempt is not None and user.is_authenticated and attempt.learner_id == user.pk


def _category_of(obj):
    """A category, or the category of a question."""
    return getattr(obj, "category", obj) if obj is not None else None


@rules.predicate
def is_shared_category(user, obj) -> bool:
    category = _category_of(obj)
    return category is not None and category.course_id is None


@rules.predicate
def owns_category_course(user, obj) -> bool:
    category = _category_of(obj)
    if category is None or category.course_id is None or not user.is_authenticated:
        return False
    return courses_api.is_course_owner(user=user, course=category.course)


can_manage_quiz = is_admin | (is_trainer & owns_quiz)
# Learners start quizzes of courses (enrolment checked by the service); a draft quiz outside
# any course is only previewed, by whoever manages it.
can_start_quiz = is_quiz_in_course | can_manage_quiz
can_view_bank = is_admin | (is_trainer & (is_shared_category | owns_category_course))
can_edit_bank = is_admin | (is_trainer & owns_category_course)

rules.add_perm("assessments.manage_quiz", can_manage_quiz)
rules.add_perm("assessments.start_quiz", can_start_quiz)
rules.add_perm("assessments.view_own_attempt", is_attempt_learner)
# For a QuestionCategory or a Question (through its category).
rules.add_perm("assessments.view_bank_item", can_view_bank)
rules.add_perm("assessments.edit_bank_item", can_edit_bank)
