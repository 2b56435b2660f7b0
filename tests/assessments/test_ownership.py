"""Course ownership reaches the question bank and quizzes (issue 13, item 3).

A trainer who owns no course used to open another trainer's exam questions with the answer
key, flip an answer, delete a question, copy the quiz and create a required quiz inside a
course they do not own; a draft quiz outside any course could be started by anyone. Each
refusal is checked on GET and POST, and a refused POST changes nothing.
"""

import json

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, Question, QuestionCategory, Quiz, QuizSlot
from core.roles import Role
from tests.assessments.factories import (
    QuestionCategoryFactory,
    answer_rows,
    make_course,
    make_question,
    quiz_with_questions,
    with_mfa,
)

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)  # Wagtail's admin answers a PermissionDenied with a redirect


def url(model, action, *args):
    return reverse(f"wagtailsnippets_assessments_{model}:{action}", args=args)


@pytest.fixture
def bank(make_user):
    """Trainer `owner` owns course X with category and question qx and its quiz; `stranger`
    is a trainer who owns nothing; `shared` is a category of no course."""
    owner, stranger = make_user(Role.TRAINER), make_user(Role.TRAINER)
    course = make_course(owners=[owner], title="Curso X")
    category = QuestionCategoryFactory(name="Banco X", course=course)
    qx = make_question(category=category, title="Pregunta secreta X")
    shared = QuestionCategoryFactory(name="Compartida")
    qs = make_question(category=shared, title="Pregunta compartida")
    quiz = Quiz.objects.create(title="Examen X", course=course)
    QuizSlot.objects.create(quiz=quiz, question=qx)
    return {
        "owner": owner,
        "stranger": stranger,
        "course": course,
        "category": category,
        "qx": qx,
        "shared": shared,
        "qs": qs,
        "quiz": quiz,
    }


def question_post(question, **changes):
    data = {
        "title": question.title,
        "category": question.category_id,
        "qtype": question.qtype,
        "tags": "",
        "stem_format": question.stem_format,
        "stem": question.stem,
        "points": "1",
        "general_feedback": "",
        **answer_rows(question.qtype, changes.pop("data", question.data)),
    }
    data.update(changes)
    return data


def flipped(question) -> dict:
    data = json.loads(json.dumps(question.data))
    data["choices"][0]["fraction"], data["choices"][1]["fraction"] = 0, 1
    return data


def quiz_post(*, title="Nueva", course="", slots=(), random_slots=()):
    data = {
        "title": title,
        "course": course,
        "lesson": "",
        "description": "",
        "pass_mark": "70",
        "grading_method": "highest",
        "time_limit_minutes": "",
        "max_attempts": "0",
        "cooldown_minutes": "0",
        "opens_at": "",
        "closes_at": "",
        "required_for_completion": "on",
        "shuffle_choices": "on",
        "review_show_responses": "on",
        "review_show_feedback": "on",
    }
    for prefix, rows, field in (
        ("slots", slots, "question"),
        ("random_slots", random_slots, "category"),
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, pk in enumerate(rows):
            data.update(
                {
                    f"{prefix}-{i}-{field}": str(pk),
                    f"{prefix}-{i}-ORDER": str(i + 1),
                    f"{prefix}-{i}-id": "",
                }
            )
            if prefix == "random_slots":
                data.update(
                    {f"{prefix}-{i}-count": "1", f"{prefix}-{i}-include_subcategories": "on"}
                )
    return data


class TestQuestionBank:
    def test_listing_shows_shared_and_own_course_questions_only(self, client, bank):
        client.force_login(bank["stranger"])
        html = client.get(url("question", "list")).content.decode()
        assert "Pregunta compartida" in html and "Pregunta secreta X" not in html
        client.force_login(bank["owner"])
        html = client.get(url("question", "list")).content.decode()
        assert "Pregunta compartida" in html and "Pregunta secreta X" in html

    @pytest.mark.parametrize("view", ["choose", "choose_results"])
    def test_the_quiz_forms_pickers_list_only_usable_questions_and_categories(
        self, client, bank, view
    ):
        client.force_login(bank["stranger"])
        questions = client.get(
            reverse(f"wagtailsnippetchoosers_assessments_question:{view}")
        ).content.decode()
        assert "Pregunta compartida" in questions and "Pregunta secreta X" not in questions
        categories = client.get(
            reverse(f"wagtailsnippetchoosers_assessments_questioncategory:{view}")
        ).content.decode()
        assert "Compartida" in categories and "Banco X" not in categories

    @pytest.mark.parametrize(
        "action", ["edit", "delete", "copy", "history", "inspect", "usage", "preview_on_edit"]
    )
    def test_stranger_cannot_open_another_courses_question(self, client, bank, action):
        client.force_login(bank["stranger"])
        response = client.get(url("question", action, bank["qx"].pk))
        assert response.status_code in REFUSED
        assert "Confidencialidad" not in response.content.decode()  # no answer key

    def test_stranger_cannot_flip_an_answer_delete_or_copy(self, client, bank):
        qx = bank["qx"]
        before = (Question.objects.count(), qx.data, qx.current_version.data)
        client.force_login(bank["stranger"])
        assert (
            client.post(
                url("question", "edit", qx.pk), question_post(qx, data=flipped(qx))
            ).status_code
            in REFUSED
        )
        assert client.post(url("question", "delete", qx.pk)).status_code in REFUSED
        assert client.post(url("question", "copy", qx.pk), question_post(qx)).status_code in REFUSED
        qx.refresh_from_db()
        assert (Question.objects.count(), qx.data, qx.current_version.data) == before

    def test_stranger_cannot_put_a_question_in_another_courses_category(self, client, bank):
        client.force_login(bank["stranger"])
        response = client.post(
            url("question", "add"),
            question_post(bank["qs"], category=bank["category"].pk, title="Intrusa"),
        )
        assert response.status_code == 200  # the form again, with the error beside the field
        assert not Question.objects.filter(title="Intrusa").exists()

    def test_shared_questions_are_read_only_for_trainers(self, client, bank):
        qs = bank["qs"]
        client.force_login(bank["stranger"])
        assert client.get(url("question", "inspect", qs.pk)).status_code == 200
        assert client.get(url("question", "edit", qs.pk)).status_code in REFUSED
        client.post(url("question", "edit", qs.pk), question_post(qs, data=flipped(qs)))
        qs.refresh_from_db()
        assert qs.data["choices"][0]["fraction"] == 1

    def test_owner_edits_their_courses_question(self, client, bank):
        qx = bank["qx"]
        client.force_login(bank["owner"])
        assert client.get(url("question", "edit", qx.pk)).status_code == 200
        assert client.get(url("question", "history", qx.pk)).status_code == 200
        response = client.post(url("question", "edit", qx.pk), question_post(qx, data=flipped(qx)))
        assert response.status_code == 302
        qx.refresh_from_db()
        assert qx.data["choices"][1]["fraction"] == 1

    def test_administrator_edits_shared_questions(self, client, bank, make_user):
        qs = bank["qs"]
        client.force_login(with_mfa(make_user(Role.ADMIN)))
        response = client.post(url("question", "edit", qs.pk), question_post(qs, data=flipped(qs)))
        assert response.status_code == 302
        qs.refresh_from_db()
        assert qs.data["choices"][1]["fraction"] == 1


class TestCategories:
    def test_stranger_cannot_edit_or_delete_another_courses_category(self, client, bank):
        category = bank["category"]
        client.force_login(bank["stranger"])
        assert client.get(url("questioncategory", "edit", category.pk)).status_code in REFUSED
        client.post(
            url("questioncategory", "edit", category.pk),
            {"name": "Robada", "parent": "", "course": "", "description": ""},
        )
        client.post(url("questioncategory", "delete", category.pk))
        category.refresh_from_db()
        assert (category.name, category.course_id) == ("Banco X", bank["course"].pk)

    def test_trainers_create_categories_only_in_their_courses(self, client, bank):
        client.force_login(bank["stranger"])
        for course in (bank["course"].pk, ""):  # another's course; shared (administrators only)
            response = client.post(
                url("questioncategory", "add"),
                {"name": "Nueva", "parent": "", "course": course, "description": ""},
            )
            assert response.status_code == 200
        assert not QuestionCategory.objects.filter(name="Nueva").exists()
        client.force_login(bank["owner"])
        response = client.post(
            url("questioncategory", "add"),
            {"name": "Nueva", "parent": "", "course": bank["course"].pk, "description": ""},
        )
        assert response.status_code == 302
        assert QuestionCategory.objects.get(name="Nueva").course == bank["course"]

    def test_import_into_another_courses_category_is_refused(self, bank):
        gift = "::P::¿Dos más dos?{=cuatro ~tres}"
        with pytest.raises(services.ImportFailed) as refused:
            services.questions_import(
                text=gift, fmt="gift", category_path="Banco X", user=bank["stranger"]
            )
        assert "Banco X" in str(refused.value)
        assert Question.objects.filter(title="P").count() == 0
        report = services.questions_import(
            text=gift, fmt="gift", category_path="Banco X", user=bank["owner"]
        )
        assert report.total == 1


class TestQuizzes:
    def test_stranger_cannot_create_a_quiz_in_a_course_they_do_not_own(self, client, bank):
        client.force_login(bank["stranger"])
        response = client.post(url("quiz", "add"), quiz_post(course=bank["course"].pk))
        assert response.status_code == 200
        assert not Quiz.objects.filter(title="Nueva").exists()

    def test_stranger_cannot_draw_from_another_courses_bank(self, client, bank):
        client.force_login(bank["stranger"])
        for post in (
            quiz_post(slots=[bank["qx"].pk]),
            quiz_post(random_slots=[bank["category"].pk]),
        ):
            assert client.post(url("quiz", "add"), post).status_code == 200
        assert not Quiz.objects.filter(title="Nueva").exists()
        # Shared questions may be used.
        assert client.post(url("quiz", "add"), quiz_post(slots=[bank["qs"].pk])).status_code == 302
        assert Quiz.objects.get(title="Nueva").created_by == bank["stranger"]

    def test_owner_creates_a_quiz_in_their_course(self, client, bank):
        client.force_login(bank["owner"])
        response = client.post(
            url("quiz", "add"), quiz_post(course=bank["course"].pk, slots=[bank["qx"].pk])
        )
        assert response.status_code == 302
        assert Quiz.objects.get(title="Nueva").course == bank["course"]

    @pytest.mark.parametrize("action", ["edit", "delete", "copy", "history"])
    def test_stranger_cannot_open_copy_or_delete_the_quiz(self, client, bank, action):
        client.force_login(bank["stranger"])
        assert client.get(url("quiz", action, bank["quiz"].pk)).status_code in REFUSED
        count = Quiz.objects.count()
        client.post(
            url("quiz", action, bank["quiz"].pk), quiz_post(title="Copia", course=bank["course"].pk)
        )
        assert Quiz.objects.count() == count and Quiz.objects.filter(pk=bank["quiz"].pk).exists()

    def test_stranger_cannot_regrade_or_see_results(self, client, bank):
        client.force_login(bank["stranger"])
        quiz = bank["quiz"]
        assert client.post(reverse("assessments:regrade", args=[quiz.pk])).status_code == 403
        assert client.get(reverse("assessments:statistics", args=[quiz.pk])).status_code == 403


class TestDraftQuizzes:
    """A quiz outside any course is its author's draft: previewable by them, by nobody else."""

    def test_learner_cannot_see_or_start_a_draft(self, client, learner, make_user):
        author = make_user(Role.TRAINER)
        quiz = quiz_with_questions(1, created_by=author)
        client.force_login(learner)
        assert client.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 403
        response = client.post(reverse("assessments:start", args=[quiz.pk]))
        assert response.status_code == 403
        assert "solo su autor" in response.content.decode()
        assert not Attempt.objects.exists()

    def test_another_trainer_cannot_start_a_draft(self, client, make_user):
        quiz = quiz_with_questions(1, created_by=make_user(Role.TRAINER))
        client.force_login(make_user(Role.TRAINER))
        assert client.post(reverse("assessments:start", args=[quiz.pk])).status_code == 403
        assert not Attempt.objects.exists()

    def test_author_previews_the_draft(self, client, make_user):
        author = make_user(Role.TRAINER)
        quiz = quiz_with_questions(1, created_by=author)
        client.force_login(author)
        assert client.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 200
        response = client.post(reverse("assessments:start", args=[quiz.pk]))
        assert response.status_code == 302
        assert Attempt.objects.get().learner == author


def test_migration_assigns_unambiguous_courses_and_leaves_the_rest_shared(make_user):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "assessments.migrations.0007_question_category_course_from_quizzes"
    )
    course_a, course_b = make_course(title="A"), make_course(title="B")
    only_a = QuestionCategoryFactory(name="Solo A")
    both = QuestionCategoryFactory(name="A y B")
    unused = QuestionCategoryFactory(name="Sin uso")
    quiz_a = Quiz.objects.create(title="QA", course=course_a)
    quiz_b = Quiz.objects.create(title="QB", course=course_b)
    QuizSlot.objects.create(quiz=quiz_a, question=make_question(category=only_a))
    QuizSlot.objects.create(quiz=quiz_a, question=make_question(category=both, title="x"))
    QuizSlot.objects.create(quiz=quiz_b, question=make_question(category=both, title="y"))
    migration.assign_courses(apps, None)
    assert QuestionCategory.objects.get(pk=only_a.pk).course == course_a
    assert QuestionCategory.objects.get(pk=both.pk).course is None
    assert QuestionCategory.objects.get(pk=unused.pk).course is None


class TestSharedParents:
    """A shared category may hold subcategories of courses: reaching it must not reach them."""

    @pytest.fixture
    def nested(self, bank):
        bank["category"].parent = bank["shared"]
        bank["category"].save()
        return bank

    def test_export_of_a_shared_parent_leaves_out_other_courses(self, client, nested):
        client.force_login(nested["stranger"])
        response = client.get(
            reverse("assessments_admin:export"),
            {"category": nested["shared"].pk, "include_subcategories": "on"},
        )
        text = response.content.decode()
        assert "Pregunta compartida" in text and "Pregunta secreta X" not in text
        client.force_login(nested["owner"])
        text = client.get(
            reverse("assessments_admin:export"),
            {"category": nested["shared"].pk, "include_subcategories": "on"},
        ).content.decode()
        assert "Pregunta secreta X" in text

    def test_a_draw_with_subcategories_of_other_courses_is_refused(self, client, nested):
        client.force_login(nested["stranger"])
        post = quiz_post(random_slots=[nested["shared"].pk])
        assert client.post(url("quiz", "add"), post).status_code == 200
        assert not Quiz.objects.filter(title="Nueva").exists()
        post.pop("random_slots-0-include_subcategories")
        assert client.post(url("quiz", "add"), post).status_code == 302


class TestRefusalsWithoutSideEffects:
    def test_export_of_another_courses_category_is_a_404(self, client, bank):
        client.force_login(bank["stranger"])
        export = reverse("assessments_admin:export")
        response = client.get(export, {"category": bank["category"].pk})
        assert response.status_code == 404
        assert b"Pregunta secreta X" not in response.content
        client.force_login(bank["owner"])
        response = client.get(export, {"category": bank["category"].pk})
        assert response.status_code == 200 and "Pregunta secreta X" in response.content.decode()

    def test_deleting_a_quiz_with_attempts_is_refused_in_spanish(self, client, bank, make_user):
        from courses.api import enrolment_create

        learner = make_user(Role.LEARNER)
        enrolment_create(learner=learner, course=bank["course"])
        services.attempt_start(quiz_id=bank["quiz"].pk, user=learner)
        client.force_login(bank["owner"])
        response = client.post(url("quiz", "delete", bank["quiz"].pk), follow=True)
        assert response.status_code == 200
        assert "Esta evaluación no se puede eliminar" in response.content.decode()
        assert Quiz.objects.filter(pk=bank["quiz"].pk).exists()
        assert Attempt.objects.filter(quiz=bank["quiz"]).count() == 1

    def test_a_quiz_without_attempts_is_still_deleted(self, client, bank):
        client.force_login(bank["owner"])
        response = client.post(url("quiz", "delete", bank["quiz"].pk))
        assert response.status_code == 302
        assert not Quiz.objects.filter(pk=bank["quiz"].pk).exists()
