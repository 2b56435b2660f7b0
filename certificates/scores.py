"""The final-quiz score printed on a certificate."""

from decimal import Decimal

from assessments import api as assessments_api


def final_score_for_enrolment(enrolment) -> Decimal | None:
    """The learner's grade (per the quiz's grading method) on the course's final quiz in this
    enrolment cycle: the required quiz if there is one, else the course's only quiz."""
    grade = assessments_api.final_quiz_grade(
        course_id=enrolment.course_id, user=enrolment.learner, since=enrolment.enrolled_at
    )
    return None if grade is None else Decimal(str(grade)).quantize(Decimal("0.01"))
