"""The completion survey stands before the learner's certificate download: asked, never a trap.
The PDF link leads to the survey ("Responder la encuesta" / "Omitir"); answered or skipped,
the download is offered and works; nobody is asked twice; the public verification page and
Open Badges endpoints never pass through the survey; a foreign `siguiente` is ignored."""

import pytest
from django.urls import reverse

from certificates.services import certificate_issue
from core.roles import Role
from quality import services
from quality.models import SurveyParticipation, SurveyResponse
from tests.certificates.factories import completed_enrolment
from tests.certificates.factories import make_course as make_certificate_course
from tests.quality.factories import answers, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_certificate(make_user):
    learner = make_user(Role.LEARNER)
    course = make_certificate_course(title="Curso con encuesta")
    survey = make_survey(course=course, title="¿Cómo le fue?")
    enrolment = completed_enrolment(learner, course)
    services.surveys_offer_on_completion(enrolment=enrolment)
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    assert certificate.pdf
    return learner, survey, certificate


def _pdf_url(certificate):
    return reverse("certificates:my_pdf", kwargs={"code": certificate.code})


def test_completion_email_links_to_the_download_while_the_survey_is_pending(
    make_user, mailoutbox, django_capture_on_commit_callbacks
):
    course = make_certificate_course(title="Curso con encuesta")
    make_survey(course=course, title="¿Cómo le fue?")
    asked, not_asked = make_user(Role.LEARNER), make_user(Role.LEARNER)
    certificates = {}
    for learner in (asked, not_asked):
        enrolment = completed_enrolment(learner, course)
        if learner is asked:
            services.surveys_offer_on_completion(enrolment=enrolment)
        with django_capture_on_commit_callbacks(execute=True):
            certificates[learner] = certificate_issue(enrolment_id=enrolment.pk)
    mails = {m.to[0]: m for m in mailoutbox}
    pending = mails[asked.email]
    assert pending.attachments == []  # the e-mail does not bypass the survey
    link = f"https://relevo.example.gob.ec{_pdf_url(certificates[asked])}"
    assert link in pending.body and "antes hay un breve paso" in pending.body
    assert "Adjuntamos" not in pending.body
    # Nothing pending: the PDF is attached as before.
    assert mails[not_asked.email].attachments[0][2] == "application/pdf"
    assert "Adjuntamos su certificado" in mails[not_asked.email].body


def test_download_leads_to_the_survey_then_skip_gives_the_certificate(client, learner_certificate):
    learner, survey, certificate = learner_certificate
    client.force_login(learner)
    response = client.get(_pdf_url(certificate))
    assert response.status_code == 302
    step = response["Location"]
    assert step.startswith(reverse("quality:survey_answer", args=[survey.pk]))
    assert "siguiente=" in step
    page = client.get(step)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Responder la encuesta" in body and "Omitir e ir a mi certificado" in body
    assert f'name="siguiente" value="{_pdf_url(certificate)}"' in body
    done = client.post(step, {"skip": "1", "siguiente": _pdf_url(certificate)})
    assert done.status_code == 200
    assert f'href="{_pdf_url(certificate)}"' in done.content.decode()
    state = SurveyParticipation.objects.get(user=learner).state
    assert state == SurveyParticipation.State.SKIPPED
    assert not SurveyResponse.objects.exists()
    download = client.get(_pdf_url(certificate))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_answering_gives_the_certificate_and_is_not_asked_again(client, learner_certificate):
    learner, survey, certificate = learner_certificate
    client.force_login(learner)
    step = client.get(_pdf_url(certificate))["Location"]
    data = answers(survey, likert=5)
    data["siguiente"] = _pdf_url(certificate)
    done = client.post(step, data)
    assert done.status_code == 200
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert client.get(_pdf_url(certificate)).status_code == 200
    # The old link again: already answered, straight to the download page, no second response.
    again = client.post(step, data)
    assert again.status_code == 200
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_wrong_answer_keeps_the_step_and_records_nothing(client, learner_certificate):
    learner, survey, certificate = learner_certificate
    client.force_login(learner)
    step = client.get(_pdf_url(certificate))["Location"]
    bad = answers(survey, likert=9)
    bad["siguiente"] = _pdf_url(certificate)
    page = client.post(step, bad)
    assert page.status_code == 422
    assert "Elija entre las opciones" in page.content.decode()
    assert SurveyParticipation.objects.get(user=learner).state == "pending"
    assert client.get(_pdf_url(certificate)).status_code == 302


def test_no_pending_survey_downloads_directly(client, make_user):
    learner = make_user(Role.LEARNER)
    course = make_certificate_course(title="Curso sin encuesta")
    certificate = certificate_issue(enrolment_id=completed_enrolment(learner, course).pk)
    client.force_login(learner)
    assert client.get(_pdf_url(certificate)).status_code == 200


def test_an_inactive_survey_does_not_hold_the_download(client, learner_certificate):
    learner, survey, certificate = learner_certificate
    survey.active = False
    survey.save()
    client.force_login(learner)
    assert client.get(_pdf_url(certificate)).status_code == 200


def test_verification_and_open_badges_stay_public(client, learner_certificate):
    _learner, _survey, certificate = learner_certificate
    verify = client.get(reverse("certificates:verify", kwargs={"code": certificate.code}))
    assert verify.status_code == 200
    assert certificate.code in verify.content.decode()
    assert client.get(reverse("certificates:issuer")).status_code == 200


def test_someone_elses_pending_survey_does_not_hold_mine(client, learner_certificate, make_user):
    _learner, survey, _certificate = learner_certificate
    other = make_user(Role.LEARNER)
    certificate = certificate_issue(
        enrolment_id=completed_enrolment(other, survey.course.specific).pk
    )
    client.force_login(other)
    assert client.get(_pdf_url(certificate)).status_code == 200


def test_a_foreign_next_url_is_ignored(client, learner_certificate):
    learner, survey, _certificate = learner_certificate
    client.force_login(learner)
    url = reverse("quality:survey_answer", args=[survey.pk])
    for evil in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)"):
        page = client.get(url, {"siguiente": evil})
        assert page.status_code == 200
        body = page.content.decode()
        assert 'name="siguiente"' not in body and "Su certificado está listo" not in body
    response = client.post(url, {"skip": "1", "siguiente": "//evil.example/x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_learning")
