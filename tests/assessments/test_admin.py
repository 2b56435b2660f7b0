import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Question, QuestionCategory
from core.roles import Role
from tests.assessments.factories import (
    answer_rows,
    make_course,
    make_question,
    quiz_with_questions,
)
from tests.assessments.test_formats import SAMPLE

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/evaluaciones/importar/"


def upload(client, content: bytes, fmt="gift", category="Banco"):
    return client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("banco.gift", content),
            "format": fmt,
            "category": category,
            "course": client.course.pk,
            "preview": "1",
        },
    )


def test_upload_preview_confirm(trainer_client):
    preview = upload(trainer_client, SAMPLE.read_bytes())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Banco/EGSI/Fundamentos" in html and "Confirmar la importación" in html
    assert not Question.objects.exists()  # a preview writes nothing
    form = preview.context["confirm_form"]
    confirm = trainer_client.post(IMPORT_URL, {**form.initial, "confirm": "1"})
    assert confirm.status_code == 302
    assert Question.objects.count() == 12


def test_malformed_upload_lists_errors_by_line_and_offers_no_confirmation(trainer_client):
    response = upload(trainer_client, b"Bien{T}\n\nEnsayo{}\n")
    html = response.content.decode()
    assert "Línea 3" in html and "ensayo" in html
    assert response.context["confirm_form"] is None
    assert not Question.objects.exists()


def test_aiken_preview_reports_a_missing_category_before_the_confirm_step(trainer_client):
    """Without a course and a category, the preview names the problem (the import would fail
    on it at confirm); into a course, the questions land in its default category."""
    from django.utils import translation

    from assessments import services

    aiken = "¿Capital del Ecuador?\nA. Quito\nB. Lima\nANSWER: A\n"
    with translation.override("es"):
        result = services.questions_import_preview(text=aiken, fmt="aiken", category_path="")
        messages = [str(error.message) for error in result.errors]
    assert "sin categoría: indique una o use $CATEGORY: en el archivo" in messages
    assert not Question.objects.exists()

    response = upload(trainer_client, aiken.encode(), fmt="aiken", category="")
    assert "sin categoría" not in response.content.decode()
    assert response.context["confirm_form"] is not None
    assert not Question.objects.exists()  # a preview writes nothing


def test_confirm_with_tampered_content_imports_nothing(trainer_client):
    response = trainer_client.post(
        IMPORT_URL, {"text": "Mal{", "format": "gift", "category": "X", "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()


def test_non_utf8_file_is_refused(trainer_client):
    response = upload(trainer_client, "Pregunta{T}".encode("utf-16"))
    assert "UTF-8" in response.content.decode()


def test_export_category(trainer_client):
    services.questions_import(text=SAMPLE.read_text(), fmt="gift", category_path="Banco")
    category = QuestionCategory.objects.get(name="Banco")
    response = trainer_client.get(
        reverse("assessments_admin:export"),
        {"category": category.pk, "include_subcategories": "on"},
    )
    assert response.status_code == 200
    assert response.content.decode().count("::") == 24
    assert "$CATEGORY: $course$/top/Banco/EGSI/Fundamentos" in response.content.decode()


def test_learner_cannot_import(client, learner):
    client.force_login(learner)
    response = client.post(
        IMPORT_URL, {"text": "P{T}", "format": "gift", "category": "X", "confirm": "1"}
    )
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()


def test_editing_an_answered_question_in_the_admin_creates_a_version(trainer_client, learner):
    quiz = quiz_with_questions(1)
    services.attempt_start(quiz_id=quiz.pk, user=learner)
    question = Question.objects.get()
    QuestionCategory.objects.update(course=trainer_client.course)
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    assert trainer_client.get(url).status_code == 200
    data = {
        "title": question.title,
        "category": question.category_id,
        "qtype": question.qtype,
        "tags": "egsi",
        "stem_format": question.stem_format,
        "stem": "Texto corregido",
        "points": "2",
        "general_feedback": "",
        **answer_rows(question.qtype, question.data),
    }
    response = trainer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert question.current_version.stem == "Texto corregido"
    assert question.versions.get(number=1).stem != "Texto corregido"


def test_admin_refuses_answers_that_do_not_fit_the_type(trainer_client):
    question = make_question()
    QuestionCategory.objects.update(course=trainer_client.course)
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    data = {
        "title": "x",
        "category": question.category_id,
        "qtype": "single",
        "stem_format": "markdown",
        "stem": "x",
        "points": "1",
        "general_feedback": "",
        **answer_rows("single", {"choices": [{"text": "solo una", "fraction": 1}]}),
    }
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert "Escribe al menos dos opciones." in response.content.decode()
    assert question.versions.count() == 1


def test_trainers_edit_only_the_quizzes_of_their_courses(client, make_user):
    owner, other = make_user(Role.TRAINER), make_user(Role.TRAINER)
    quiz = quiz_with_questions(1, course=make_course(owners=[owner]), title="Final EGSI")
    edit = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    listing = reverse("wagtailsnippets_assessments_quiz:list")
    client.force_login(owner)
    assert client.get(edit).status_code == 200
    assert "Final EGSI" in client.get(listing).content.decode()
    client.force_login(other)
    assert client.get(edit).status_code in (302, 403)
    assert client.post(
        reverse("wagtailsnippets_assessments_quiz:delete", args=[quiz.pk])
    ).status_code in (302, 403)
    assert "Final EGSI" not in client.get(listing).content.decode()
    assert type(quiz).objects.filter(pk=quiz.pk).exists()  # the refused delete deleted nothing
