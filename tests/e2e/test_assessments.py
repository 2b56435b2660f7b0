"""A learner takes and passes a quiz with the keyboard only, and the course completes."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from assessments.models import Attempt
from tests.assessments.factories import enrolled_quiz, make_course, quiz_with_questions
from tests.core.factories import UserFactory

# tests/e2e/conftest.py gives every browser test committed data restored after each test.
pytestmark = pytest.mark.e2e


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} never received focus")


def test_keyboard_only_quiz_completes_the_course(live_server, page):
    from courses.models import Enrolment, LessonPage
    from courses.services import enrolment_create, lesson_complete

    learner = UserFactory()
    course = make_course(lessons=1)
    quiz = quiz_with_questions(
        3, qtypes=["single", "truefalse", "short"], course=course, time_limit_minutes=20
    )
    enrolment = enrolment_create(learner=learner, course=course)
    lesson_complete(
        enrolment=enrolment, lesson=LessonPage.objects.child_of(course).get(), user=learner
    )

    client = Client()
    client.force_login(learner)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/evaluaciones/{quiz.pk}/")
    tab_to(page, "form[action$='/comenzar/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/evaluaciones/intento/**")

    assert page.locator("fieldset legend").count() == 3
    assert page.locator(".quiz-timer__announce[aria-live=polite]").count() == 1

    tab_to(page, "input[name=q0]")  # first choice of the single-choice question: the right one
    page.keyboard.press("Space")
    tab_to(page, "input[name=q1]")  # "Verdadero"
    page.keyboard.press("Space")
    tab_to(page, "input[name=q2]")
    page.keyboard.type("ecucert")
    expect(page.locator(".quiz-form__status")).to_contain_text("Guardado")  # autosave answered
    # "Guardar respuestas" looks secondary, "Enviar y terminar" primary (both were primary).
    save_bg, submit_bg = page.evaluate(
        """() => ['button[value=save]', 'button[data-submit]'].map(
            (s) => getComputedStyle(document.querySelector(s)).backgroundColor)"""
    )
    assert save_bg != submit_bg, (save_bg, submit_bg)
    tab_to(page, "button[data-submit]")
    page.keyboard.press("Enter")
    # A summary comes first: every question answered here, then the final button.
    expect(page.locator(".attempt-summary")).to_contain_text("3 de 3 preguntas respondidas")
    tab_to(page, "button[data-confirm]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/resultado/")

    assert "Aprobado" in page.inner_text("main")
    attempt = Attempt.objects.get(learner=learner)
    assert (attempt.score, attempt.passed) == (100, True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_attempt_page_has_no_accessibility_violations(live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    learner = UserFactory()
    quiz = enrolled_quiz(
        learner, 6, qtypes=["single", "multiple", "truefalse", "short", "numeric", "matching"]
    )
    client = Client()
    client.force_login(learner)
    client.post(f"/evaluaciones/{quiz.pk}/comenzar/")
    attempt = Attempt.objects.get(learner=learner)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/evaluaciones/intento/{attempt.uuid}/")
    results = Axe().run(page, context={"include": [["main"]]})
    assert results.violations_count == 0, results.generate_report()


def test_the_timer_never_covers_what_the_keyboard_reaches_on_a_phone(live_server, page):
    """The timer sticks to the top of the screen; every field the learner tabs to at 360 px
    scrolls clear of it (it once could sit on top of the focused question)."""
    learner = UserFactory()
    quiz = enrolled_quiz(
        learner,
        6,
        qtypes=["single", "multiple", "truefalse", "short", "numeric", "matching"],
        time_limit_minutes=30,
    )
    client = Client()
    client.force_login(learner)
    client.post(f"/evaluaciones/{quiz.pk}/comenzar/")
    attempt = Attempt.objects.get(learner=learner)
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/evaluaciones/intento/{attempt.uuid}/")
    covered, reached = [], 0
    for _ in range(80):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement, timer = document.querySelector('.quiz-timer');
                if (!el || !el.closest('form.quiz-form')) return null;
                const a = el.getBoundingClientRect(), t = timer.getBoundingClientRect();
                return {name: el.name || el.textContent.trim(), top: a.top, timerBottom: t.bottom,
                        submit: el.hasAttribute('data-submit')};
            }"""
        )
        if state is None:
            continue
        reached += 1
        if state["top"] < state["timerBottom"]:
            covered.append(state)
        if state["submit"]:
            break
    assert reached >= 6, reached
    assert not covered, covered
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
