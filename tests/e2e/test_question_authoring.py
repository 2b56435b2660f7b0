"""A trainer authors a course's questions through the per-type forms (no JSON), builds a quiz
from the filtered picker and previews the course; a learner sees the question as written."""

import os
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import format_violations, run_axe
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

TRAINER = "capacitador@relevo.demo"
COURSE = "Firma electrónica en trámites consulares"
SHOTS = os.environ.get("E2E_SHOTS", "")


def shot(page, name: str, *, full_page: bool = True) -> None:
    """Screenshots to look at, when E2E_SHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=full_page)


def choose(page, selector: str, pk) -> None:
    """A foreign key: Wagtail's chooser keeps the choice in a hidden input (its modal is
    Wagtail's own); a plain select is set the same way."""
    page.locator(selector).evaluate(
        "(input, pk) => { input.value = pk; input.dispatchEvent(new Event('change')); }", str(pk)
    )


def save(page) -> None:
    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name="Guardar", exact=True).click()


def new_question(page, site, *, title, qtype, stem, category):  # category: a pk
    page.goto(f"{site}/admin/snippets/assessments/question/add/")
    page.fill("#id_title", title)
    choose(page, "#id_category", category)
    page.select_option("#id_qtype", qtype)
    page.fill("#id_stem", stem)
    page.locator("#id_tags").evaluate("(input) => { input.value = 'firma'; }")
    # Only the chosen type's rows are shown.
    expect(page.locator("[data-answers-for='matching']")).to_be_visible(visible=qtype == "matching")
    expect(page.get_by_text("JSON")).to_have_count(0)


@pytest.fixture
def demo(site_url):
    """A trainer, a topic and the catalogue (lighter than the whole demo seed)."""
    from core.roles import Role
    from courses.models import Topic
    from tests.factories import UserFactory, catalogue

    catalogue()
    UserFactory(email=TRAINER, roles=[Role.TRAINER])
    return {"url": site_url, "topic": Topic.objects.create(name="Firma digital", slug="firma")}


def test_trainer_authors_questions_and_a_quiz_without_json(page, demo, sign_in, browser):
    topic, demo = demo["topic"], demo["url"]
    from assessments import grading
    from assessments.models import Question, QuestionCategory, Quiz
    from courses.models import CourseIndexPage, CoursePage
    from courses.services import enrolment_create
    from tests.core.factories import UserFactory

    catalogue = CourseIndexPage.objects.get(slug="cursos")
    sign_in(TRAINER, PASSWORD, "/admin/")
    expect(page).to_have_url(re.compile("/admin/"))

    # A course with a topic, saved twice: the trainer still owns it.
    page.goto(f"{demo}/admin/pages/add/courses/coursepage/{catalogue.pk}/")
    page.fill("#id_title", COURSE)
    page.locator("#id_title").blur()
    page.fill("#id_summary", "Validar documentos firmados electrónicamente.")
    choose(page, "#id_topic", topic.pk)
    page.locator("#id_slug").evaluate(
        "(input) => { if (!input.value) { input.value = 'firma-electronica-consular'; } }"
    )
    for _ in range(2):
        with page.expect_navigation():
            page.get_by_role("button", name="Guardar borrador").click()
        expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    course = CoursePage.objects.get(title=COURSE)
    assert course.topic_id is not None
    assert course.owners.filter(email=TRAINER).exists()

    # The course's question bank.
    page.goto(f"{demo}/admin/snippets/assessments/questioncategory/add/")
    page.fill("#id_name", "Firma electrónica")
    choose(page, "#id_course", course.pk)
    save(page)
    bank = QuestionCategory.objects.get(name="Firma electrónica")
    assert bank.course_id == course.pk

    # A single-choice question, typed into rows; the first try forgets the 100 %.
    new_question(
        page,
        demo,
        title="Formato de firma",
        qtype="single",
        stem="¿Qué formato usa la **firma electrónica** de documentos PDF?",
        category=bank.pk,
    )
    page.fill("#id_answers-choices-0-text", "PAdES")
    page.fill("#id_answers-choices-0-feedback", "Correcto: firma avanzada en PDF.")
    page.fill("#id_answers-choices-1-text", "JPEG")
    page.fill("#id_answers-choices-2-text", "ZIP")
    save(page)
    expect(page.get_by_text("Al menos una opción debe valer 100 %.")).to_be_visible()
    shot(page, "1-single-error")
    assert not Question.objects.filter(title="Formato de firma").exists()
    page.fill("#id_answers-choices-0-fraction", "100")
    page.get_by_role("button", name="Añadir una opción").click()
    page.fill("#id_answers-choices-4-text", "XAdES (para XML)")
    save(page)
    single = Question.objects.get(title="Formato de firma")
    assert [c["text"] for c in single.data["choices"]] == [
        "PAdES",
        "JPEG",
        "ZIP",
        "XAdES (para XML)",
    ]
    assert grading.grade("single", single.data, {"choices": ["c0"]}).fraction == 1.0

    # A matching question with a distractor.
    new_question(
        page,
        demo,
        title="Normas de firma",
        qtype="matching",
        stem="Relacione cada norma con el tipo de documento que firma.",
        category=bank.pk,
    )
    for index, (left, right) in enumerate(
        [("PAdES", "PDF"), ("XAdES", "XML"), ("CAdES", "Binario")]
    ):
        page.fill(f"#id_answers-pairs-{index}-left", left)
        page.fill(f"#id_answers-pairs-{index}-right", right)
    page.fill("#id_answers-matching_extra_rights", "Imagen")
    page.locator("[data-answers-for='matching']").scroll_into_view_if_needed()
    shot(page, "2-matching-form", full_page=False)
    # The per-type rows are the project's own markup inside Wagtail's form: WCAG 2.1 AA.
    violations = run_axe(page)
    assert not violations, format_violations(violations)
    save(page)
    matching = Question.objects.get(title="Normas de firma")
    assert grading.matching_rights(matching.data) == ["PDF", "XML", "Binario", "Imagen"]
    answer = grading.correct_response("matching", matching.data)
    assert grading.grade("matching", matching.data, answer).fraction == 1.0

    # A quiz of the course from the picker, filtered by the course's category.
    page.goto(f"{demo}/admin/snippets/assessments/quiz/add/")
    page.fill("#id_title", "Evaluación de firma electrónica")
    choose(page, "#id_course", course.pk)
    for index, title in enumerate(("Formato de firma", "Normas de firma")):
        page.locator("#id_slots-ADD").click()
        page.locator(f"#id_slots-{index}-question-chooser .chooser__choose-button").click()
        modal = page.locator(".modal-dialog")
        modal.locator("select[name=category]").select_option(label="Firma electrónica")
        results = modal.locator("table tbody tr")
        expect(results).to_have_count(2)
        shot(page, f"3-picker-{title[:6]}")
        modal.get_by_role("link", name=title).click()
        expect(modal).to_be_hidden()
    save(page)
    quiz = Quiz.objects.get(title="Evaluación de firma electrónica")
    assert [slot.question.title for slot in quiz.slots.order_by("sort_order")] == [
        "Formato de firma",
        "Normas de firma",
    ]

    # The course's preview answers (it used to fail on 'FakeQuerySet').
    preview = page.request.get(f"{demo}/admin/pages/{course.pk}/view_draft/")
    assert preview.status == 200 and COURSE in preview.text()

    # A learner sees the question as written: bold text, no markup, no tags.
    course.refresh_from_db()
    course.save_revision().publish()
    learner = UserFactory()
    enrolment_create(learner=learner, course=CoursePage.objects.get(pk=course.pk))
    client = Client()
    client.force_login(learner)
    learner_page = browser.new_context(locale="es-EC", base_url=demo).new_page()
    learner_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo}]
    )
    learner_page.goto(f"{demo}/evaluaciones/{quiz.pk}/")
    learner_page.locator("form[action$='/comenzar/'] button").click()
    learner_page.wait_for_url("**/evaluaciones/intento/**")
    stem = learner_page.locator("#stem-0")
    expect(stem).to_contain_text("¿Qué formato usa la firma electrónica de documentos PDF?")
    expect(stem.locator("strong")).to_have_text("firma electrónica")
    text = learner_page.inner_text("main")
    assert "<p>" not in text and "**" not in text
    assert "XAdES (para XML)" in text and "Imagen" in text
    shot(learner_page, "4-learner-attempt")
