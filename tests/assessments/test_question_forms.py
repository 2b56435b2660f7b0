"""Question authoring through the admin's per-type forms: rows, not JSON."""

import pytest
from django.urls import reverse

from assessments import grading
from assessments.models import Question
from core.roles import Role
from tests.assessments.factories import (
    SAMPLE_DATA,
    QuestionCategoryFactory,
    answer_rows,
    make_question,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_assessments_question:add")


def question_post(category, qtype, data, **changes):
    post = {
        "title": f"Pregunta {qtype}",
        "category": category.pk,
        "qtype": qtype,
        "tags": "egsi",
        "stem_format": "markdown",
        "stem": "¿Qué protege la información?",
        "points": "1",
        "general_feedback": "",
        **answer_rows(qtype, data),
    }
    post.update(changes)
    return post


@pytest.fixture
def bank(trainer_client):
    return QuestionCategoryFactory(name="Banco propio", course=trainer_client.course)


FORM_DATA = {
    **SAMPLE_DATA,
    grading.SHORT: {
        "answers": [{"text": "ECUCERT", "fraction": 1}, {"text": "CERT", "fraction": 0.5}],
        "case_sensitive": True,
    },
    grading.NUMERIC: {
        "answers": [{"value": 3.5, "tolerance": 0.5, "fraction": 1}],
        "wrong_feedback": "Revise la tabla",
    },
}


@pytest.mark.parametrize("qtype", grading.TYPES)
def test_each_type_is_created_from_rows_and_grades(trainer_client, bank, qtype):
    response = trainer_client.post(ADD_URL, question_post(bank, qtype, FORM_DATA[qtype]))
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get()
    assert question.current_version is not None
    data = question.current_version.data
    assert grading.validate_data(qtype, data) == data
    best = grading.correct_response(qtype, data)
    assert grading.grade(qtype, data, best).fraction == 1.0
    assert question.created_by_id is not None and "egsi" in question.tags.names()


def test_a_form_shows_rows_and_no_json(trainer_client, bank):
    question = make_question(grading.MATCHING, category=bank)
    html = trainer_client.get(
        reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    ).content.decode()
    assert 'name="data"' not in html and "JSON" not in html
    assert 'value="Confidencialidad"' in html and "Popularidad" in html
    assert "Añadir un par" in html and "Opciones incorrectas adicionales" in html


def test_editing_keeps_ids_and_changes_credit(trainer_client, bank):
    question = make_question(grading.SINGLE, category=bank)
    data = question.data
    data["choices"][0]["fraction"], data["choices"][1]["fraction"] = 0, 1
    data["choices"].append({"text": "Nueva", "fraction": 0})
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    post = question_post(bank, grading.SINGLE, data, title=question.title)
    post["answers-choices-0-DELETE"] = ""
    post["answers-choices-2-DELETE"] = "on"  # remove "Gratuidad"
    response = trainer_client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors
    question.refresh_from_db()
    choices = question.data["choices"]
    assert [c["text"] for c in choices] == ["Confidencialidad", "Popularidad", "Nueva"]
    assert [c["id"] for c in choices] == ["c0", "c1", "c3"]  # old ids kept, new one fresh
    assert grading.grade("single", question.data, {"choices": ["c1"]}).fraction == 1.0
    assert question.current_version.number == 1  # unseen: the version is updated in place


def test_case_sensitive_short_answer_grades_by_case(trainer_client, bank):
    trainer_client.post(ADD_URL, question_post(bank, grading.SHORT, FORM_DATA[grading.SHORT]))
    data = Question.objects.get().current_version.data
    assert grading.grade("short", data, {"text": "ECUCERT"}).fraction == 1.0
    assert grading.grade("short", data, {"text": "ecucert"}).fraction == 0.0
    relaxed = {"answers": data["answers"]}
    assert grading.grade("short", relaxed, {"text": "ecucert"}).fraction == 1.0


def test_a_numeric_range_is_edited_as_value_and_tolerance(trainer_client, bank):
    question = make_question(
        grading.NUMERIC, category=bank, data={"answers": [{"min": 2, "max": 4, "fraction": 1}]}
    )
    form = trainer_client.get(
        reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    ).context["form"]
    row = form.answers.formsets["numeric"].forms[0]
    assert (row.initial["value"], row.initial["tolerance"]) == (3.0, 1.0)


@pytest.mark.parametrize(
    ("qtype", "data", "message"),
    [
        (
            grading.SINGLE,
            {"choices": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0}]},
            "Al menos una opción debe valer 100 %.",
        ),
        (grading.SINGLE, {"choices": [{"text": "A", "fraction": 1}]}, "al menos dos opciones"),
        (
            grading.MULTIPLE,
            {"choices": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.2}]},
            "deben sumar 100 %",
        ),
        (
            grading.NUMERIC,
            {"answers": [{"value": 3, "tolerance": -1, "fraction": 1}]},
            "La tolerancia no puede ser negativa.",
        ),
        (
            grading.SHORT,
            {"answers": [{"text": "x", "fraction": 0}]},
            "Al menos una respuesta debe otorgar puntos.",
        ),
        (grading.MATCHING, {"pairs": [{"left": "a", "right": "b"}]}, "al menos dos pares"),
        (
            grading.SINGLE,
            {"choices": [{"text": "A", "fraction": 2}, {"text": "B", "fraction": 0}]},
            "entre -100 % y 100 %",
        ),
    ],
)
def test_wrong_answers_are_shown_in_spanish_and_nothing_is_saved(
    trainer_client, bank, qtype, data, message
):
    response = trainer_client.post(ADD_URL, question_post(bank, qtype, data))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Corrige las respuestas" in html
    assert "malformed" not in html and "JSON" not in html
    assert not Question.objects.exists()


def test_a_refused_edit_changes_nothing(trainer_client, bank):
    question = make_question(grading.NUMERIC, category=bank)
    before = question.data
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    bad = {"answers": [{"value": "tres", "tolerance": 0, "fraction": 1}]}
    response = trainer_client.post(url, question_post(bank, grading.NUMERIC, bad, title="Cambiada"))
    assert response.status_code == 200
    assert "Introduzca un número" in response.content.decode()
    question.refresh_from_db()
    assert question.data == before and question.title == "Pregunta numeric"


def test_a_trainer_cannot_create_in_a_category_they_do_not_own(client, make_user, bank):
    stranger = make_user(Role.TRAINER)
    client.force_login(stranger)
    response = client.post(ADD_URL, question_post(bank, grading.SINGLE, SAMPLE_DATA["single"]))
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not Question.objects.exists()
    question = make_question(grading.SINGLE, category=bank)
    edit = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    refused = client.post(edit, question_post(bank, grading.SINGLE, SAMPLE_DATA["single"]))
    assert refused.status_code in (302, 403)
    question.refresh_from_db()
    assert question.title == "Pregunta single"


def test_preview_shows_the_question_as_learners_see_it(trainer_client, bank):
    preview = reverse("wagtailsnippets_assessments_question:preview_on_add")
    post = question_post(bank, grading.MATCHING, SAMPLE_DATA[grading.MATCHING], stem="**¿Qué?**")
    assert trainer_client.post(preview, post).json() == {"is_valid": True, "is_available": True}
    html = trainer_client.get(preview).content.decode()
    assert "<strong>¿Qué?</strong>" in html and "&lt;p&gt;" not in html
    assert "Popularidad" in html and "Elija…" in html
    assert "egsi" not in html  # tags are the trainer's, not the learner's
    assert not Question.objects.exists()


def test_picker_filters_by_category_tag_and_search(
    trainer_client, bank, django_assert_max_num_queries
):
    other = QuestionCategoryFactory(name="Otra", course=trainer_client.course)
    one = make_question(category=bank, title="Confidencialidad básica")
    one.tags.add("egsi")
    one.save()
    make_question(category=other, title="Disponibilidad")
    make_question(category=bank, title="Integridad avanzada")
    chooser = reverse("wagtailsnippetchoosers_assessments_question:choose_results")

    def titles(**params):
        response = trainer_client.get(chooser, params)
        assert response.status_code == 200
        return {q.title for q in response.context["results"]}

    assert titles() == {"Confidencialidad básica", "Disponibilidad", "Integridad avanzada"}
    assert titles(category=bank.pk) == {"Confidencialidad básica", "Integridad avanzada"}
    assert titles(tag="egsi") == {"Confidencialidad básica"}
    assert titles(category=bank.pk, q="Integridad") == {"Integridad avanzada"}
    assert titles(category=other.pk, tag="egsi") == set()
    with django_assert_max_num_queries(20):
        trainer_client.get(chooser, {"category": bank.pk, "tag": "egsi"})
    page = trainer_client.get(reverse("wagtailsnippetchoosers_assessments_question:choose"))
    page = page.json()["html"]
    assert "Todas las categorías" in page and 'value="egsi"' in page


def test_picker_hides_other_courses_categories(client, make_user, bank):
    make_question(category=bank, title="Secreta")
    client.force_login(make_user(Role.TRAINER))
    chooser = reverse("wagtailsnippetchoosers_assessments_question:choose_results")
    response = client.get(chooser, {"category": bank.pk})
    assert "Secreta" not in response.content.decode()


def test_the_question_bank_list_searches_title_and_text_as_the_trainer_types(trainer_client, bank):
    """On SQLite, naming `stem` as a search field answered 500 to any search of the bank."""
    make_question(category=bank, title="Confidencialidad básica", stem="Cifrado de discos")
    make_question(category=bank, title="Disponibilidad", stem="Copias de respaldo")
    listing = reverse("wagtailsnippets_assessments_question:list")

    def titles(q):
        response = trainer_client.get(listing, {"q": q})
        assert response.status_code == 200
        return {str(question) for question in response.context["object_list"]}

    assert titles("Confidencialidad") == {"Confidencialidad básica"}
    assert titles("Confiden") == {"Confidencialidad básica"}  # a partial word, as typed
    assert titles("respaldo") == {"Disponibilidad"}  # the question's text, not only its title
    for hostile in ["'", '"', "datos & | ! :* AND NEAR( OR -", "(((", "stem:x"]:
        titles(hostile)
    chooser = reverse("wagtailsnippetchoosers_assessments_question:choose_results")
    for hostile in ["'", "(((", "Confiden"]:
        assert trainer_client.get(chooser, {"q": hostile}).status_code == 200


def test_the_inspect_view_and_the_form_read_in_spanish_without_json(trainer_client, bank):
    """An outsider found the answers as stored JSON and English labels in "Inspeccionar",
    and the choices' help text in English on the form."""
    question = make_question(category=bank, title="Normas")
    inspect = reverse("wagtailsnippets_assessments_question:inspect", args=[question.pk])
    html = trainer_client.get(inspect).content.decode()
    assert "Última modificación" in html and "Creado el" in html
    for english in ("Current version", "Created by", "Updated at", "{&#x27;", "'fraction'"):
        assert english not in html, english
    form = trainer_client.get(ADD_URL).content.decode()
    assert "Opción única: una opción vale 100 %." in form
    assert 'aria-label="Acciones"' in form
