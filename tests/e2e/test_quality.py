"""Browser journey (issue 18): a learner completes a course, answers its survey and downloads
the certificate; the quality officer opens the results matrix, sees the indicator move, and
exports the XLSX and the signed PDF report (pdfsig: valid)."""

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.e2e

LEARNER = "funcionario@relevo.demo"
OFFICER = "calidad@relevo.demo"


def test_survey_then_certificate_then_the_matrix_moves(
    page, live_server, demo_site, login, assert_accessible, settings, tmp_path
):
    from certificates.signing import check_pdf_signature
    from quality.indicators import indicators_compute
    from quality.models import Indicator, SurveyResponse
    from tests.certificates.factories import make_course
    from tests.quality.factories import make_indicator, make_survey

    settings.SITE_URL = live_server.url
    course = make_course(title="Atención ciudadana con calidad", lessons=1)
    survey = make_survey(course=course, title="¿Cómo le fue en el curso?")
    indicator = make_indicator(
        Indicator.Source.COMPLETION, name="Finalización del curso de atención", course=course
    )
    indicators_compute()

    login(page, live_server, OFFICER)
    page.goto(f"{live_server.url}/calidad/matriz/")
    row = page.locator(f"tr[data-indicator='{indicator.pk}']")
    assert row.locator("[data-stat=current]").inner_text().strip() == "—"
    page.context.clear_cookies()

    login(page, live_server, LEARNER)
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("button", name="Inscribirme").click()
    lesson = course.get_children().live().get()
    page.goto(f"{live_server.url}{lesson.url}")
    page.get_by_role("button", name="Marcar como completada").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/mi-aprendizaje/")
    page.get_by_role("link", name=survey.title).click()
    assert_accessible(page)
    questions = list(survey.questions.all())
    page.locator(f"input[name=q{questions[0].pk}][value='4']").check()
    page.locator(f"input[name=q{questions[1].pk}][value='0']").check()
    page.locator(f"textarea[name=q{questions[3].pk}]").fill("Muy útil <b>de verdad</b>")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.wait_for_load_state()
    assert "Gracias" in page.content()
    response = SurveyResponse.objects.get(survey=survey)
    assert response.respondent is None
    assert page.get_by_role("link", name=survey.title).count() == 0  # not asked twice

    panel = page.locator("#my-certificates-panel").locator("..")
    with page.expect_download() as download:
        panel.get_by_role("link", name="PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.context.clear_cookies()

    indicators_compute()  # the daily job
    login(page, live_server, OFFICER)
    page.goto(f"{live_server.url}/calidad/matriz/")
    row = page.locator(f"tr[data-indicator='{indicator.pk}']")
    assert row.locator("[data-stat=current]").inner_text().startswith("100")
    assert_accessible(page)
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Descargar XLSX").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Informe anual de capacitación (PDF firmado)").click()
    path = tmp_path / "informe.pdf"
    pdf.value.save_as(path)
    assert check_pdf_signature(path.read_bytes()).valid
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
        assert "Signature is Valid" in out.stdout


def test_the_certificate_download_offers_the_survey_and_skipping_downloads(
    page, live_server, demo_site, login, assert_accessible, settings
):
    """Asked, never trapped: the PDF link of "Mis certificados" leads to the survey, which
    says the certificate is ready; "Omitir" leads to the download, which works, and the
    survey is not offered again."""
    from django.contrib.auth import get_user_model

    from certificates.services import certificate_issue
    from quality import services
    from quality.models import SurveyParticipation
    from tests.certificates.factories import completed_enrolment, make_course
    from tests.quality.factories import make_survey

    settings.SITE_URL = live_server.url
    learner = get_user_model().objects.get(email=LEARNER)
    course = make_course(title="Curso con encuesta antes del certificado", lessons=1)
    survey = make_survey(course=course, title="Antes de su certificado")
    enrolment = completed_enrolment(learner, course)
    services.surveys_offer_on_completion(enrolment=enrolment)
    certificate = certificate_issue(enrolment_id=enrolment.pk)

    login(page, live_server, LEARNER)
    page.goto(f"{live_server.url}/mis-certificados/")
    page.locator(f"a[href='/mis-certificados/{certificate.code}/pdf/']").click()
    page.wait_for_load_state()
    assert f"/calidad/encuestas/{survey.pk}/" in page.url
    assert "Su certificado está listo" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Omitir e ir a mi certificado").click()
    page.wait_for_load_state()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar mi certificado (PDF)").click()
    assert download.value.suggested_filename == f"certificado-{certificate.code}.pdf"
    participation = SurveyParticipation.objects.get(user=learner, survey=survey)
    assert participation.state == SurveyParticipation.State.SKIPPED
