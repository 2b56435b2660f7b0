import factory

from assessments import grading, services
from assessments.models import QuestionCategory, Quiz, QuizRandomSlot, QuizSlot
from courses.models import CoursePage
from tests import factories
from tests.factories import home_page as _home_page  # noqa: F401 (re-exported)
from tests.factories import with_mfa  # noqa: F401 (re-exported)

SAMPLE_DATA = {
    grading.SINGLE: {
        "choices": [
            {"text": "Confidencialidad", "fraction": 1, "feedback": "Bien"},
            {"text": "Popularidad", "fraction": 0, "feedback": "No"},
            {"text": "Gratuidad", "fraction": 0},
        ]
    },
    grading.MULTIPLE: {
        "choices": [
            {"text": "Integridad", "fraction": 0.5},
            {"text": "Disponibilidad", "fraction": 0.5},
            {"text": "Popularidad", "fraction": -1},
        ]
    },
    grading.TRUEFALSE: {"answer": True, "feedback_true": "Correcto", "feedback_false": "Revise"},
    grading.SHORT: {"answers": [{"text": "ECUCERT", "fraction": 1}]},
    grading.NUMERIC: {"answers": [{"value": 3, "tolerance": 0, "fraction": 1}]},
    grading.MATCHING: {
        "pairs": [{"left": "C", "right": "Confidencialidad"}, {"left": "I", "right": "Integridad"}],
        "extra_rights": ["Popularidad"],
    },
}


class QuestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Categoría {n}")


def make_question(qtype=grading.SINGLE, category=None, data=None, points=1, **kwargs):
    return services.question_create(
        category=category or QuestionCategoryFactory(),
        title=kwargs.pop("title", f"Pregunta {qtype}"),
        qtype=qtype,
        stem=kwargs.pop("stem", "¿Qué propiedad protege la información?"),
        data=data or SAMPLE_DATA[qtype],
        points=points,
        **kwargs,
    )


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Evaluación {n}")
    pass_mark = 50
    shuffle_choices = False


def quiz_with_questions(n=3, qtypes=None, **quiz_kwargs) -> Quiz:
    quiz = QuizFactory(**quiz_kwargs)
    category = QuestionCategoryFactory()
    qtypes = qtypes or [grading.SINGLE]
    for i in range(n):
        question = make_question(qtypes[i % len(qtypes)], category=category, title=f"P{i}")
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=i)
    return quiz


def add_random_slot(quiz, category, count, include_subcategories=True):
    return QuizRandomSlot.objects.create(
        quiz=quiz, category=category, count=count, include_subcategories=include_subcategories
    )


def make_course(*, owners=(), lessons=1, title="Seguridad de la información"):
    """A live course under the catalogue with `lessons` live lessons, completed once the lessons
    are done and the required quizzes passed (the model's default rule)."""
    return factories.make_course(
        title=title,
        owners=owners,
        lessons=lessons,
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES,
    )
