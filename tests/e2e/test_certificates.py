"""Browser journey: the demo learner completes a course, receives the certificate (eager
Celery through the outbox), opens the verification URL its QR code encodes and sees "válido".

Uses the shared e2e fixtures of tests/e2e/conftest.py (page, login) when they are there, and
local equivalents otherwise. The course is completed through courses' services, as the lesson
pages' "mark as done" button would: the course UI is not on main yet.
"""

import io
import os

import pytest

try:  # the shared browser fixtures, once the foundation's e2e conftest is merged
    from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401

    SHARED_FIXTURES = True
except ImportError:
    SHARED_FIXTURES = False

CHROMIUM = "/usr/bin/chromium"
LEARNER = "funcionario@relevo.demo"
PASSWORD = "relevo-demo"  # core.demo.DEMO_PASSWORD

pytestmark = [pytest.mark.e2e]
if not SHARED_FIXTURES:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pytestmark.append(pytest.mark.django_db(transaction=True, serialized_rollback=True))

    @pytest.fixture(scope="module")
    def _chromium():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        playwright.stop()

    @pytest.fixture
    def page(_chromium, live_server):
        context = _chromium.new_context(locale="es-EC", base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        yield page
        context.close()

    @pytest.fixture
    def login():
        def sign_in(page, live_server, email, password=PASSWORD):
            page.goto(f"{live_server.url}/cuenta/login/")
            page.locator("input[name=login]").fill(email)
            page.locator("input[name=password]").fill(password)
            with page.expect_navigation():
                page.locator("input[name=password]").press("Enter")
            return page

        return sign_in


def test_a_learner_completes_a_course_and_verifies_the_certificate(
    page, login, live_server, settings
):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from certificates.models import Certificate
    from core import demo as core_demo
    from courses.models import LessonPage
    from courses.services import enrolment_create, lesson_complete
    from tests.certificates.factories import make_course

    settings.SITE_URL = live_server.url  # the QR code points at this server
    settings.MFA_REQUIRED_FOR_ROLES = []
    core_demo.seed(io.StringIO())
    learner = get_user_model().objects.get(email=LEARNER)
    course = make_course(title="Apostilla electrónica y legalizaciones", lessons=2)

    login(page, live_server, LEARNER)
    page.goto(f"{live_server.url}/mis-certificados/")
    assert "Aún no tiene certificados" in page.content()

    # The learner finishes both lessons; the last one completes the course.
    with transaction.atomic():
        enrolment = enrolment_create(learner=learner, course=course)
    for lesson in LessonPage.objects.child_of(course):
        with transaction.atomic():
            lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)
    certificate = Certificate.objects.get(enrolment=enrolment)

    page.goto(f"{live_server.url}/mis-certificados/")
    row = page.locator("tr", has_text=course.title)
    assert row.locator("text=Válido").count() == 1
    pdf_link = row.get_by_role("link", name="PDF")
    with page.expect_download() as download:
        pdf_link.click()
    assert download.value.suggested_filename == f"certificado-{certificate.code}.pdf"

    # The QR code on the PDF encodes the verification URL; open it as a phone would.
    qr_target = certificate.verification_url()
    assert qr_target == f"{live_server.url}/verificar/{certificate.code}/"
    page.goto(qr_target)
    status = page.get_by_role("status")
    assert "Este certificado es válido." in status.inner_text()
    assert "válido" in status.inner_text().lower()
    assert course.title in page.content()
    assert "Firmado con clave de desarrollo" in page.content()
