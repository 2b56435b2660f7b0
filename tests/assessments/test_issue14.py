"""Issue 14's assessment bugs: each test failed before its fix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import grading, services
from assessments.layout import tokens_by_key
from assessments.models import Attempt, AttemptAnswer, Question, QuestionCategory
from tests.assessments.factories import (
    QuestionCategoryFactory,
    enrolled_quiz,
    make_question,
)

pytestmark = pytest.mark.django_db


def start(client, learner, **kwargs):
    quiz = enrolled_quiz(learner, **kwargs)
    client.force_login(learner)
    client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(learner=learner)
    return attempt, reverse("assessments:attempt", args=[attempt.uuid])


class TestQuestionBankListing:
    """The listing answered 500 for everyone: its tags filter was a ClusterTaggableManager."""

    def test_listing_and_tag_filter_answer(self, trainer_client):
        category = QuestionCategoryFactory(course=trainer_client.course)
        make_question(category=category, title="Con etiqueta", tags=["egsi"])
        make_question(category=category, title="Sin etiqueta")
        listing = reverse("wagtailsnippets_assessments_question:list")
        response = trainer_client.get(listing)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Con etiqueta" in html and "Sin etiqueta" in html
        filtered = trainer_client.get(listing, {"tag": "egsi"}).content.decode()
        assert "Con etiqueta" in filtered and "Sin etiqueta" not in filtered

    def test_listing_after_a_gift_import(self, trainer_client):
        services.questions_import(
            text="::Suma sencilla::¿Dos más dos?{=cuatro ~tres}",
            fmt="gift",
            category_path="Banco",
            course=trainer_client.course,
        )
        response = trainer_client.get(reverse("wagtailsnippets_assessments_question:list"))
        assert response.status_code == 200
        assert "Suma sencilla" in response.content.decode()


class TestTextIsEscapedOnce:
    def test_plain_text_stem_and_feedback_show_no_tags(self, client, learner):
        quiz = enrolled_quiz(learner, 1, review_show_feedback=True)
        question = Question.objects.get()
        version = question.current_version
        version.stem = "¿Qué protege la norma <EGSI>?"
        version.stem_format = "plain"
        version.general_feedback = "Revise el capítulo 2."
        version.save()
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        html = client.get(reverse("assessments:attempt", args=[attempt.uuid])).content.decode()
        assert "<p>¿Qué protege la norma &lt;EGSI&gt;?</p>" in html
        assert "&lt;p&gt;" not in html
        client.post(reverse("assessments:attempt", args=[attempt.uuid]), {"action": "submit"})
        result = client.get(reverse("assessments:result", args=[attempt.uuid])).content.decode()
        assert "<p>Revise el capítulo 2.</p>" in result and "&lt;p&gt;" not in result


class TestNulCharacters:
    """PostgreSQL cannot store NUL in text: it answered 500."""

    @pytest.mark.parametrize("endpoint", ["assessments:attempt", "assessments:autosave"])
    def test_nul_in_an_answer_is_refused_with_a_message(self, client, learner, endpoint):
        attempt, _url = start(client, learner, n=1, qtypes=[grading.SHORT])
        # The site-wide BadInputMiddleware refuses NUL before the view; scripts get JSON.
        headers = {"X-Requested-With": "fetch"} if endpoint.endswith("autosave") else {}
        response = client.post(
            reverse(endpoint, args=[attempt.uuid]),
            {"q0": "ecu\x00cert", "action": "save"},
            headers=headers,
        )
        assert response.status_code == 400
        body = (
            response.json()["error"] if endpoint.endswith("autosave") else response.content.decode()
        )
        assert "caracteres que no se pueden procesar" in body
        assert AttemptAnswer.objects.get(attempt=attempt).response is None

    def test_nul_in_a_service_response_is_refused(self, learner):
        from tests.assessments.factories import quiz_with_questions

        quiz = quiz_with_questions(1, qtypes=[grading.SHORT])
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        with pytest.raises(services.InvalidAnswer):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid, user=learner, responses={0: {"text": "a\x00"}}
            )

    def test_nul_in_an_uploaded_file_is_refused(self, trainer_client):
        response = trainer_client.post(
            "/admin/evaluaciones/importar/",
            {
                "file": SimpleUploadedFile("banco.gift", b"P{T}\n\nQ\x00{F}"),
                "format": "gift",
                "category": "Banco",
                "course": trainer_client.course.pk,
            },
        )
        assert response.status_code == 200
        assert "carácter NUL" in response.content.decode()
        assert not Question.objects.exists()

    def test_nul_in_a_confirmed_import_is_refused(self, trainer_client):
        response = trainer_client.post(
            "/admin/evaluaciones/importar/",
            {
                "text": "P{T}\n\nQ\x00{F}",
                "format": "gift",
                "category": "Banco",
                "course": trainer_client.course.pk,
                "confirm": "1",
            },
            follow=True,
        )
        assert response.status_code == 400  # BadInputMiddleware, before the view
        assert "caracteres que no se pueden procesar" in response.content.decode()
        assert not Question.objects.exists() and not QuestionCategory.objects.exists()

    def test_nul_in_an_imported_text_is_refused_with_its_line(self):
        with pytest.raises(services.ImportFailed) as refused:
            services.questions_import(text="P{T}\n\nQ\x00{F}", fmt="gift", category_path="Banco")
        assert "Línea 3" in str(refused.value) and "carácter NUL" in str(refused.value)
        assert not Question.objects.exists() and not QuestionCategory.objects.exists()


class TestSpanish:
    def test_points_are_singular_for_one(self, client, learner):
        attempt, url = start(client, learner, n=1)
        html = client.get(url).content.decode()
        assert "(1 punto)" in html and "(1 puntos)" not in html
        Attempt.objects.filter(pk=attempt.pk).update(
            layout=[{**attempt.layout[0], "points": "2.00"}]
        )
        assert "(2 puntos)" in client.get(url).content.decode()

    def test_admin_error_message_is_grammatical(self, trainer_client):
        category = QuestionCategoryFactory(course=trainer_client.course)
        response = trainer_client.post(
            reverse("wagtailsnippets_assessments_question:add"),
            {"title": "x", "category": category.pk, "qtype": "single", "stem": "", "points": "1"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "No se pudo crear" in html and "El pregunta" not in html


class TestSaveAndSubmit:
    def test_save_is_secondary_and_submit_primary(self, client, learner):
        _attempt, url = start(client, learner, n=1)
        html = client.get(url).content.decode()
        assert 'class="button button--secondary" name="action" value="save"' in html
        assert 'class="button button--primary" name="action" value="review"' in html

    def test_submit_shows_a_summary_first_and_keeps_the_answers(self, client, learner):
        attempt, url = start(client, learner, n=4)
        right = tokens_by_key(attempt.layout[0])["c0"]
        response = client.post(url, {"q0": right, "action": "review"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "3 preguntas sin responder" in html and "1 de 4 preguntas respondidas" in html
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.IN_PROGRESS  # nothing submitted yet
        assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response == {"choices": ["c0"]}
        # "Volver" keeps what was saved; "Enviar y terminar" submits it as saved.
        assert f'value="{right}" checked' in client.get(url).content.decode()
        response = client.post(url, {"action": "confirm"})
        assert response["Location"] == reverse("assessments:result", args=[attempt.uuid])
        attempt.refresh_from_db()
        assert (attempt.state, attempt.score) == (Attempt.State.SUBMITTED, 25)
