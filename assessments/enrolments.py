"""Where assessments asks courses about a quiz's course: the learner's current enrolment, and
re-evaluating the course's completion when a required quiz is passed (courses.api)."""

from __future__ import annotations

from courses import api as courses_api


def quiz_enrolment(*, quiz, user):
    """The learner's current enrolment cycle in the quiz's course (active or completed), else
    None. Attempts before it began do not count towards the maximum (recertification starts
    afresh)."""
    return courses_api.current_enrolment(user=user, course_id=quiz.course_id)


def quiz_passed(*, attempt) -> None:
    """Called inside the submit (or regrade) transaction when an attempt passes: a required
    quiz may complete the course, so courses re-evaluates the enrolment (idempotently)."""
    quiz = attempt.quiz
    if not (quiz.course_id and quiz.required_for_completion):
        return
    enrolment = courses_api.current_enrolment(
        user=attempt.learner_id,
        course_id=quiz.course_id,
        statuses=(courses_api.EnrolmentStatus.ACTIVE,),
    )
    if enrolment is not None:
        courses_api.completion_evaluate(enrolment_id=enrolment.pk)
