"""What assessments registers with courses (AssessmentsConfig.ready() calls `register`): the
completion requirement "every required quiz passed", the course page's quizzes, the learner's
quizzes on "Mi aprendizaje", and the cache receivers for both."""

from __future__ import annotations

from django.db.models import FilteredRelation, Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import api as courses_api
from courses import hooks as courses_hooks

from .models import Attempt, Quiz
from .selectors import learner_quiz_rows, quiz_grade

REQUIREMENT_NAME = "assessments.required_quizzes_passed"


def required_quizzes_passed(enrolment) -> bool:
    """Courses' completion requirement: every required quiz of the course is passed (by the
    quiz's grading method) with attempts of this enrolment cycle. One query: the required
    quizzes joined to this learner's submitted attempts of the cycle (a quiz without any
    still gives its row, so it counts as not passed)."""
    rows = (
        Quiz.objects.filter(course_id=enrolment.course_id, required_for_completion=True)
        .annotate(
            mine=FilteredRelation(
                "attempts",
                condition=Q(
                    attempts__learner_id=enrolment.learner_id,
                    attempts__state=Attempt.State.SUBMITTED,
                    attempts__started_at__gte=enrolment.enrolled_at,
                ),
            )
        )
        .order_by("pk", "mine__number")
        .values_list("pk", "grading_method", "pass_mark", "mine__score")
    )
    quizzes: dict[int, tuple[Quiz, list]] = {}
    for pk, grading_method, pass_mark, score in rows:
        quiz, scores = quizzes.setdefault(
            pk, (Quiz(pk=pk, grading_method=grading_method, pass_mark=pass_mark), [])
        )
        scores.append(score)
    for quiz, scores in quizzes.values():
        grade = quiz_grade(quiz, scores)
        if grade is None or grade < float(quiz.pass_mark):
            return False
    return True


def course_quizzes(course) -> list[dict]:
    """The course page lists its quizzes (courses.hooks.register_course_related)."""
    kind = str(_("Quiz"))
    return [
        {
            "title": quiz.title,
            "url": reverse("assessments:quiz", args=[quiz.pk]),
            "kind": kind,
            "after_lessons": True,  # the outline and the last lesson lead to it
        }
        for quiz in Quiz.objects.filter(course=course).only("pk", "title").order_by("title")
    ]


def my_learning_panel(request) -> dict | None:
    """The learner's quizzes and grades as a section of "Mi aprendizaje"."""
    if not request.user.is_authenticated:
        return None
    rows = learner_quiz_rows(user=request.user)
    if not rows:
        return None
    return {"template": "assessments/includes/my_learning_panel.html", "context": {"rows": rows}}


def register() -> None:
    from . import cache

    cache.connect_receivers()
    courses_hooks.register_requirement(REQUIREMENT_NAME, required_quizzes_passed)
    courses_hooks.register_course_related(course_quizzes)
    courses_hooks.register_my_learning_panel(my_learning_panel)
    _connect_cache_receivers()


def _connect_cache_receivers() -> None:
    """Course pages list their quizzes and "Mi aprendizaje" shows each learner's attempts:
    both are cached by courses, so changes here tell it."""
    for signal in (post_save, post_delete):
        flag = "save" if signal is post_save else "delete"
        signal.connect(
            courses_api.bump_content_version, sender=Quiz, dispatch_uid=f"assessments-quiz-{flag}"
        )
        signal.connect(
            courses_api.learner_changed, sender=Attempt, dispatch_uid=f"assessments-attempt-{flag}"
        )
