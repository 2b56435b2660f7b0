import factory

from assessments import grading, services
from assessments.models import QuestionCategory, Quiz, QuizRandomSlot, QuizSlot
from courses.models import CoursePage
from courses.services import enrolment_create
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
    """A live course under the catalogue with `lessons` live lessons, completed when every
    lesson is done and every required quiz passed (the model's default rule)."""
    return factories.make_course(
        title=title,
        owners=owners,
        lessons=lessons,
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES,
    )


def enrolled_quiz(learners, n=3, **quiz_kwargs):
    """A quiz in a course the learners are enrolled in: only such quizzes (or a trainer's
    own draft, as a preview) can be taken from the site."""
    course = make_course(title=quiz_kwargs.pop("course_title", "Seguridad de la información"))
    quiz = quiz_with_questions(n, course=course, **quiz_kwargs)
    for learner in learners if isinstance(learners, list | tuple) else [learners]:
        enrolment_create(learner=learner, course=course)
    return quiz


def answer_rows(qtype: str, data: dict) -> dict:
    """The POST fields of the question form's answer rows that hold `data` (what a trainer
    types into the rows; no JSON)."""
    post: dict = {}

    def rows(name: str, items: list[dict]) -> None:
        prefix = f"answers-{name}"
        post.update({f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"})
        for index, item in enumerate(items):
            for key, value in item.items():
                post[f"{prefix}-{index}-{key}"] = value

    for name in ("choices", "short", "numeric", "pairs"):
        rows(name, [])
    percent = lambda fraction: f"{float(fraction) * 100:g}"  # noqa: E731
    if qtype in grading.CHOICE_TYPES:
        rows(
            "choices",
            [
                {
                    "id": c.get("id", ""),
                    "text": c["text"],
                    "fraction": percent(c.get("fraction", 0)),
                    "feedback": c.get("feedback", ""),
                }
                for c in data["choices"]
            ],
        )
    elif qtype == grading.TRUEFALSE:
        if data["answer"]:
            post["answers-tf_answer"] = "on"
        post["answers-tf_feedback_true"] = data.get("feedback_true", "")
        post["answers-tf_feedback_false"] = data.get("feedback_false", "")
    elif qtype == grading.SHORT:
        if data.get("case_sensitive"):
            post["answers-short_case_sensitive"] = "on"
        rows(
            "short",
            [
                {
                    "text": a["text"],
                    "fraction": percent(a.get("fraction", 1)),
                    "feedback": a.get("feedback", ""),
                }
                for a in data["answers"]
            ],
        )
    elif qtype == grading.NUMERIC:
        post["answers-numeric_wrong_feedback"] = data.get("wrong_feedback", "")
        rows(
            "numeric",
            [
                {
                    "value": str(a["value"]),
                    "tolerance": str(a.get("tolerance", 0)),
                    "fraction": percent(a.get("fraction", 1)),
                    "feedback": a.get("feedback", ""),
                }
                for a in data["answers"]
            ],
        )
    else:
        rows(
            "pairs",
            [
                {"id": p.get("id", ""), "left": p["left"], "right": p["right"]}
                for p in data["pairs"]
            ],
        )
        post["answers-matching_extra_rights"] = "\n".join(data.get("extra_rights", []))
    return post
