"""Browser journey: the demo learner enrols in a course, completes its lessons, receives the
certificate (eager Celery through the outbox), opens the verification URL its QR code encodes
and sees "válido"."""

import pytest

pytestmark = pytest.mark.e2e

LEARNER = "funcionario@relevo.demo"


def test_a_learner_completes_a_course_and_verifies_the_certificate(
    page, live_server, demo_site, login, assert_accessible, settings, mailoutbox
):
    from certificates.models import Certificate
    from tests.certificates.factories import make_course

    settings.SITE_URL = live_server.url  # the QR code points at this server
    course = make_course(title="Apostilla electrónica y legalizaciones", lessons=2)

    login(page, live_server, LEARNER)
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("button", name="Inscribirme").click()
    for lesson in course.get_children().live().order_by("path"):
        page.goto(f"{live_server.url}{lesson.url}")
        page.get_by_role("button", name="Marcar como completada").click()
        page.wait_for_load_state()

    certificate = Certificate.objects.get(course=course, learner__email=LEARNER)
    assert any(certificate.code in message.body for message in mailoutbox)

    page.goto(f"{live_server.url}/mis-certificados/")
    row = page.locator("tr", has_text=course.title)
    assert row.locator("text=Válido").count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == f"certificado-{certificate.code}.pdf"

    page.goto(f"{live_server.url}/mi-aprendizaje/")
    assert certificate.code in page.locator("#my-certificates-panel").locator("..").inner_text()

    # The QR code on the PDF encodes the verification URL; open it as a phone would.
    qr_target = certificate.verification_url()
    assert qr_target == f"{live_server.url}/verificar/{certificate.code}/"
    page.goto(qr_target)
    status = page.get_by_role("status")
    assert "Este certificado es válido." in status.inner_text()
    assert "válido" in status.inner_text().lower()
    assert course.title in page.content()
    assert "Firmado con clave de desarrollo" in page.content()
    assert_accessible(page)
