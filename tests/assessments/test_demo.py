import io

import pytest

from assessments import demo
from assessments.models import Attempt, Question, QuestionCategory, Quiz
from core import demo as core_demo
from tests.assessments.factories import make_course

pytestmark = pytest.mark.django_db


def test_demo_banks_quizzes_and_attempts_are_idempotent():
    core_demo.seed(io.StringIO())
    course = make_course(title="Seguridad de la información (EGSI)", lessons=2)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Quiz.objects.count() == 3
    for name in ("Interoperabilidad", "EGSI", "Gobierno abierto"):
        root = QuestionCategory.objects.get(name=name, parent__name="Demo")
        ids = {root.pk, *root.children.values_list("pk", flat=True)}
        assert Question.objects.filter(category_id__in=ids).count() >= 15, name
    quiz = Quiz.objects.get(course=course)
    attempts = list(Attempt.objects.filter(learner__email=demo.LEARNER).order_by("number"))
    assert [(a.quiz_id, a.passed) for a in attempts] == [(quiz.pk, False), (quiz.pk, True)]
    assert course.enrolments.filter(learner__email=demo.LEARNER).exists()


def test_demo_without_courses_still_builds_banks_and_quizzes():
    core_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Quiz.objects.filter(course__isnull=True).count() == 3
    assert Attempt.objects.filter(state="submitted").count() == 2
