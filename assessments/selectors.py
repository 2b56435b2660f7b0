"""Reads shared by the assessments pages and reports, with their related rows loaded."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from taggit.models import Tag

from courses import api as courses_api

from . import rules
from .models import Attempt, AttemptAnswer, GradingMethod, Question, QuestionCategory, Quiz

# --- Who sees what (the querysets behind assessments.rules) --------------------------------


def _owns_course(user, field: str) -> Q:
    """`field` (a course foreign key) points to a course the user owns: an EXISTS subquery,
    so listings need no DISTINCT."""
    return Q(Exists(courses_api.course_ownerships(user_id=user.pk, course_id=OuterRef(field))))


def categories_visible_to(user) -> QuerySet[QuestionCategory]:
    """Shared categories and those of the user's courses (administrators: all)."""
    categories = QuestionCategory.objects.select_related("course")
    if rules.is_admin(user):
        return categories
    if not rules.is_trainer(user):
        return categories.none()
    return categories.filter(Q(course__isnull=True) | _owns_course(user, "course_id"))


def categories_editable_by(user) -> QuerySet[QuestionCategory]:
    categories = QuestionCategory.objects.select_related("course")
    if rules.is_admin(user):
        return categories
    if not rules.is_trainer(user):
        return categories.none()
    return categories.filter(_owns_course(user, "course_id"))


def questions_visible_to(user) -> QuerySet[Question]:
    return Question.objects.filter(category__in=categories_visible_to(user).values("pk"))


def question_tag_names(user) -> list[str]:
    """The tags of the questions the user may see, by name (the question picker's filter)."""
    return list(
        Tag.objects.filter(
            assessments_questiontag_items__content_object__in=questions_visible_to(user).values(
                "pk"
            )
        )
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def questions_editable_by(user) -> QuerySet[Question]:
    return Question.objects.filter(category__in=categories_editable_by(user).values("pk"))


def quizzes_managed_by(user) -> QuerySet[Quiz]:
    """The quizzes of the user's courses and their own drafts outside any course."""
    quizzes = Quiz.objects.select_related("course")
    if rules.is_admin(user):
        return quizzes
    if not rules.is_trainer(user):
        return quizzes.none()
    return quizzes.filter(_owns_course(user, "course_id") | Q(course__isnull=True, created_by=user))


def categories_hidden_from(user, category_ids: Iterable[int]) -> set[int]:
    """Which of these categories the user may not see (a draw with subcategories of a shared
    category can reach other courses' banks)."""
    ids = set(category_ids)
    return ids - set(categories_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def courses_for_quizzes(user):
    """The courses a user may put quizzes and question categories in."""
    return courses_api.owned_courses(user=user)


def category_tree() -> dict[int, QuestionCategory]:
    """Every category by id, with `path_name` computable without further queries."""
    categories = {c.pk: c for c in QuestionCategory.objects.all()}
    for category in categories.values():
        category.parent = categories.get(category.parent_id) if category.parent_id else None
    return categories


def category_descendant_ids(category_ids: Iterable[int]) -> set[int]:
    """The given categories and all their subcategories (one query: the bank is small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    result: set[int] = set()
    stack = list(category_ids)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, []))
    return result


def questions_for_export(
    *, category_id: int, include_subcategories: bool = True, user=None
) -> list[Question]:
    """The questions of a category (and its subcategories); with `user`, only those of the
    categories they may see: a shared category may hold subcategories of other courses."""
    ids = category_descendant_ids([category_id]) if include_subcategories else {category_id}
    if user is not None:
        ids = set(categories_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    tree = category_tree()
    questions = list(
        Question.objects.filter(category_id__in=ids)
        .prefetch_related("tags")
        .order_by("category_id", "pk")
    )
    for question in questions:
        question.category = tree[question.category_id]
    return questions


def attempt_with_answers(attempt_uuid) -> Attempt:
    """One attempt, its quiz and its answers with their versions: three queries in all."""
    return (
        Attempt.objects.select_related("quiz", "learner")
        .prefetch_related(
            Prefetch(
                "answers", queryset=AttemptAnswer.objects.select_related("version").order_by("slot")
            )
        )
        .get(uuid=attempt_uuid)
    )


def learner_attempts(*, quiz: Quiz, user) -> QuerySet[Attempt]:
    return Attempt.objects.filter(quiz=quiz, learner=user).order_by("number")


def quiz_attempts(*, quiz: Quiz, learner_id: int | None = None) -> QuerySet[Attempt]:
    attempts = (
        Attempt.objects.filter(quiz=quiz)
        .select_related("learner")
        .order_by("learner__last_name", "number")
    )
    if learner_id is not None:
        attempts = attempts.filter(learner_id=learner_id)
    return attempts


def quiz_grade(quiz: Quiz, scores: list) -> float | None:
    """The learner's grade on a quiz from their submitted scores, in attempt order."""
    scores = [float(s) for s in scores if s is not None]
    if not scores:
        return None
    if quiz.grading_method == GradingMethod.LAST:
        return scores[-1]
    if quiz.grading_method == GradingMethod.AVERAGE:
        return round(sum(scores) / len(scores), 2)
    return max(scores)


def learner_quiz_grade(*, quiz: Quiz, user, since=None) -> float | None:
    attempts = Attempt.objects.filter(quiz=quiz, learner=user, state=Attempt.State.SUBMITTED)
    if since is not None:
        attempts = attempts.filter(started_at__gte=since)
    return quiz_grade(quiz, list(attempts.order_by("number").values_list("score", flat=True)))


def learner_passed_quiz(*, quiz: Quiz, user, since=None) -> bool:
    grade = learner_quiz_grade(quiz=quiz, user=user, since=since)
    return grade is not None and grade >= float(quiz.pass_mark)


def learner_quizzes(*, user) -> QuerySet[Quiz]:
    """Quizzes of the courses the user is enrolled in (active or completed)."""
    course_ids = courses_api.enrolled_course_ids(user=user)
    return (
        Quiz.objects.filter(course_id__in=course_ids)
        .select_related("course")
        .order_by("course__title", "title")
    )


def learner_quiz_rows(*, user) -> list[dict]:
    """Each quiz of the learner's courses with their grade, pass state and open attempt
    (two queries, whatever the number of quizzes)."""
    quizzes = list(learner_quizzes(user=user))
    scores: dict[int, list] = {}
    open_quiz_ids = set()
    for quiz_id, state, score in (
        Attempt.objects.filter(learner=user, quiz__in=quizzes)
        .order_by("number")
        .values_list("quiz_id", "state", "score")
    ):
        if state == Attempt.State.IN_PROGRESS:
            open_quiz_ids.add(quiz_id)
        else:
            scores.setdefault(quiz_id, []).append(score)
    rows = []
    for quiz in quizzes:
        grade = quiz_grade(quiz, scores.get(quiz.pk, []))
        rows.append(
            {
                "quiz": quiz,
                "grade": grade,
                "passed": grade is not None and grade >= float(quiz.pass_mark),
                "in_progress": quiz.pk in open_quiz_ids,
            }
        )
    return rows


def quiz_grades(*, quiz: Quiz) -> dict[int, float]:
    """Every learner's grade on a quiz by its grading method (one query)."""
    scores: dict[int, list] = {}
    for learner_id, score in (
        Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED)
        .order_by("learner_id", "number")
        .values_list("learner_id", "score")
    ):
        scores.setdefault(learner_id, []).append(score)
    grades = {learner_id: quiz_grade(quiz, s) for learner_id, s in scores.items()}
    return {learner_id: grade for learner_id, grade in grades.items() if grade is not None}
