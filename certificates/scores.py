"""The final-quiz score printed on a certificate."""

from decimal import Decimal

from assessments.models import Quiz
from assessments.selectors import learner_quiz_grade


def final_score_for_enrolment(enrolment) -> Decimal | None:
    """The learner's grade (per the quiz's grading method) on the course's final quiz in this
    enrolment cycle: the required quiz if there is one, else the course's only quiz."""
    quizzes = list(
        Quiz.objects.filter(course_id=enrolment.course_id).order_by(
            "-required_for_completion", "pk"
        )[:2]
    )
    if not quizzes:
        return None
    if len(quizzes) > 1 and not quizzes[0].required_for_completion:
        return None  # several optional quizzes and no final exam: no single score to print
    grade = learner_quiz_grade(quiz=quizzes[0], user=enrolment.learner, since=enrolment.enrolled_at)
    return None if grade is None else Decimal(str(grade)).quantize(Decimal("0.01"))
