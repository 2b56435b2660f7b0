"""Where assessments meets courses: who may attempt a quiz, what passing one triggers, and the
completion requirement that courses asks for ("every required quiz passed")."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

OPEN_STATUSES = ("active", "completed")


def _enrolment(*, course_id: int, user):
    from courses.models import Enrolment

    return (
        Enrolment.objects.filter(learner=user, course_id=course_id, status__in=OPEN_STATUSES)
        .order_by("-cycle")
        .first()
    )


def check_can_attempt(*, quiz, user) -> datetime | None:
    """Raise QuizUnavailable when the learner may not attempt the quiz (not enrolled in its
    course). Returns when the learner's current enrolment cycle began: attempts before it do
    not count towards the maximum (recertification starts afresh)."""
    if not quiz.course_id:
        return None
    enrolment = _enrolment(course_id=quiz.course_id, user=user)
    if enrolment is None:
        from .services import QuizUnavailable

        raise QuizUnavailable(_("Enrol in the course to take this quiz."))
    return enrolment.enrolled_at


def quiz_passed(*, attempt) -> None:
    """Called inside the submit (or regrade) transaction when an attempt passes: a required
    quiz may complete the course, so courses re-evaluates the enrolment (idempotently)."""
    quiz = attempt.quiz
    if not (quiz.course_id and quiz.required_for_completion):
        return
    from courses.models import Enrolment
    from courses.services import completion_evaluate

    enrolment = (
        Enrolment.objects.filter(
            learner_id=attempt.learner_id, course_id=quiz.course_id, status="active"
        )
        .values_list("pk", flat=True)
        .first()
    )
    if enrolment is not None:
        completion_evaluate(enrolment_id=enrolment)


def required_quizzes_passed(enrolment) -> bool:
    """Courses' completion requirement: every required quiz of the course is passed (by the
    quiz's grading method) with attempts of this enrolment cycle."""
    from .models import Quiz
    from .selectors import learner_passed_quiz

    quizzes = Quiz.objects.filter(course_id=enrolment.course_id, required_for_completion=True)
    return all(
        learner_passed_quiz(quiz=quiz, user=enrolment.learner, since=enrolment.enrolled_at)
        for quiz in quizzes
    )


def course_quizzes(course) -> list[dict]:
    """The course page lists its quizzes (courses.extensions.register_course_related)."""
    from django.urls import reverse

    from .models import Quiz

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
    from .selectors import learner_quiz_rows

    rows = learner_quiz_rows(user=request.user)
    if not rows:
        return None
    return {"template": "assessments/includes/my_learning_panel.html", "context": {"rows": rows}}


def register() -> None:
    from courses.completion import register_requirement
    from courses.extensions import register_course_related, register_my_learning_panel

    register_requirement("assessments.required_quizzes_passed", required_quizzes_passed)
    register_course_related(course_quizzes)
    register_my_learning_panel(my_learning_panel)
    _connect_cache_receivers()


def _connect_cache_receivers() -> None:
    """Course pages list their quizzes and "Mi aprendizaje" shows each learner's attempts:
    both are cached by courses, so changes here tell it."""
    from django.db.models.signals import post_delete, post_save

    from courses.cache import bump_content_version, learner_changed

    from .models import Attempt, Quiz

    for signal in (post_save, post_delete):
        flag = "save" if signal is post_save else "delete"
        signal.connect(bump_content_version, sender=Quiz, dispatch_uid=f"assessments-quiz-{flag}")
        signal.connect(learner_changed, sender=Attempt, dispatch_uid=f"assessments-attempt-{flag}")
