"""Courses end to end: a learner completes a course; a trainer's course goes through review."""

import re

import pytest
from playwright.sync_api import expect

# tests/e2e/conftest.py restores the migrated pages, groups and workflow after each test.
pytestmark = pytest.mark.e2e

PASSWORD = "relevo-demo"
COURSE_PATH = "/cursos/gobierno-abierto-datos-abiertos/"


@pytest.fixture
def demo(site_url, demo_site):
    return site_url


def test_learner_enrols_completes_every_lesson_and_sees_100_percent(page, demo, sign_in):
    # The lessons alone complete the course here; completion through the final quiz is
    # tests/e2e/test_assessments.py's journey.
    from assessments.models import Quiz

    Quiz.objects.filter(course__url_path__endswith=COURSE_PATH).update(
        required_for_completion=False
    )
    # A demo staff member with no enrolments (funcionario@ already holds this course's certificate).
    sign_in("luis.ortega@relevo.demo", PASSWORD, COURSE_PATH)
    expect(page).to_have_url(demo + COURSE_PATH)
    page.get_by_role("button", name="Inscribirme").click()
    expect(page.get_by_text("Se inscribió en")).to_be_visible()
    page.get_by_role("link", name="Comenzar el curso").click()
    for _ in range(10):
        page.get_by_role("button", name="Marcar como completada").click()
        if page.get_by_text("¡Felicitaciones!").count():
            break
    expect(
        page.get_by_text("¡Felicitaciones! Completó «Gobierno abierto y datos abiertos».")
    ).to_be_visible()
    page.locator("#site-nav").get_by_role("link", name="Mi aprendizaje").click()
    row = page.locator("tr", has_text="Gobierno abierto y datos abiertos")
    expect(row).to_contain_text("Completado")
    expect(row).to_contain_text("100%")


def _ensure_slug(page, slug: str):
    """The slug sits in the hidden Promote tab and is synced from the title by Wagtail's
    script; give it a value if the sync has not run yet."""
    page.locator("#id_slug").evaluate(
        "(input, slug) => { if (!input.value) { input.value = slug; } }", slug
    )


def _more_action(page, label: str):
    """Open the editor's "more actions" menu and press one of its actions."""
    page.locator("footer").get_by_role("button", name="Más acciones").click()
    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name=label, exact=True).click()


def test_trainer_course_goes_through_review_and_is_listed(page, demo, sign_in, browser):
    from courses.models import CourseIndexPage, CoursePage

    catalogue = CourseIndexPage.objects.get()
    sign_in("capacitador@relevo.demo", PASSWORD, "/admin/")
    page.goto(f"{demo}/admin/pages/add/courses/coursepage/{catalogue.pk}/")
    page.fill("#id_title", "Protección de datos personales en consulados")
    page.locator("#id_title").blur()
    page.fill("#id_summary", "Cómo tratar los datos personales de las personas atendidas.")
    _ensure_slug(page, "proteccion-datos-consulados")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar borrador").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    course = CoursePage.objects.get(title="Protección de datos personales en consulados")
    assert course.owners.filter(email="capacitador@relevo.demo").exists()

    for title in ("Principios del tratamiento", "Derechos de los titulares"):
        page.goto(f"{demo}/admin/pages/add/courses/lessonpage/{course.pk}/")
        page.fill("#id_title", title)
        page.locator("#id_title").blur()
        _ensure_slug(page, title.lower().replace(" ", "-"))
        _more_action(page, "Enviar a Revisión de cursos")
    page.goto(f"{demo}/admin/pages/{course.pk}/edit/")
    _more_action(page, "Enviar a Revisión de cursos")
    course.refresh_from_db()
    assert course.current_workflow_state.status == "in_progress"
    assert not course.live

    reviewer = browser.new_context(locale="es-EC").new_page()
    reviewer.goto(f"{demo}/cuenta/login/?next=/admin/")
    reviewer.fill("input[name=login]", "revisor@relevo.demo")
    reviewer.fill("input[name=password]", PASSWORD)
    reviewer.locator("main form").get_by_role("button", name="Iniciar sesión").click()
    reviewer.wait_for_load_state()
    for page_to_approve in [course, *course.get_children()]:
        reviewer.goto(f"{demo}/admin/pages/{page_to_approve.pk}/edit/")
        _more_action(reviewer, "Aprobar y Publicar")
    course.refresh_from_db()
    assert course.live

    anonymous = browser.new_context(locale="es-EC").new_page()
    anonymous.goto(f"{demo}/cursos/")
    expect(
        anonymous.get_by_role("link", name="Protección de datos personales en consulados")
    ).to_be_visible()
    anonymous.get_by_role("link", name="Protección de datos personales en consulados").click()
    expect(anonymous.get_by_text("Principios del tratamiento")).to_be_visible()
    expect(anonymous.get_by_text("Derechos de los titulares")).to_be_visible()
