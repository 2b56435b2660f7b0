from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Attempt, GradingMethod
from tests.assessments.factories import QuizFactory
from tests.certificates.factories import completed_enrolment

pytestmark = pytest.mark.django_db


def _submitted(quiz, learner, number, score, when):
    return Attempt.objects.create(
        quiz=quiz,
        learner=learner,
        number=number,
        state=Attempt.State.SUBMITTED,
        started_at=when,
        submitted_at=when,
        score=Decimal(score),
        passed=Decimal(score) >= quiz.pass_mark,
    )


def test_certificate_carries_the_final_quiz_grade_by_its_grading_method(learner, course, issue):
    quiz = QuizFactory(
        course=course, required_for_completion=True, grading_method=GradingMethod.HIGHEST
    )
    enrolled = timezone.now() - timedelta(days=5)
    _submitted(quiz, learner, 1, "40", enrolled + timedelta(days=1))
    _submitted(quiz, learner, 2, "85.5", enrolled + timedelta(days=2))
    enrolment = completed_enrolment(learner, course)
    type(enrolment).objects.filter(pk=enrolment.pk).update(enrolled_at=enrolled)

    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment_id=enrolment.pk)
    assert certificate.score == Decimal("85.50")


def test_no_score_without_a_quiz(learner, course, issue):
    assert issue(learner, course).score is None
