"""Surveys: offered on completion, answered once, anonymous (no person, the day only), hidden
below the minimum group size, versioned once answered, exported as an anonymous CSV, and the
manager's follow-up N days after completion."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import NotificationLog
from core.roles import Role
from courses.models import Enrolment
from quality import services
from quality.models import Survey, SurveyAnswer, SurveyParticipation, SurveyResponse
from tests.certificates.factories import complete_course, make_course
from tests.factories import StaffFactory, make_unit
from tests.quality.factories import answers, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(lessons=1)


@pytest.fixture
def survey(course):
    return make_survey(course=course)


def _complete(user, course):
    return complete_course(user, course)


def test_completion_offers_the_survey_on_my_learning(client, learner, course, survey):
    assert not SurveyParticipation.objects.exists()
    enrolment = _complete(learner, course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    participation = SurveyParticipation.objects.get(user=learner)
    assert participation.state == SurveyParticipation.State.PENDING
    client.force_login(learner)
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert reverse("quality:survey_answer", args=[survey.pk]) in page


def test_answer_is_anonymous_and_only_once(client, learner, course, survey):
    _complete(learner, course)
    client.force_login(learner)
    url = reverse("quality:survey_answer", args=[survey.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, answers(survey, likert=5, multiple=[0, 2], text="Bien"))
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.respondent is None
    assert stored.answered_on == timezone.localdate()
    # The response has a day, never a time, and nothing ties it to the person.
    field_names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not field_names & {"user", "created_at", "participation"}
    assert sorted(SurveyAnswer.objects.values_list("number", flat=True), key=str)[0] == 0
    assert SurveyParticipation.objects.get().state == SurveyParticipation.State.ANSWERED
    # A second post (a double click, the back button) stores nothing more.
    again = client.post(url, answers(survey, likert=1))
    assert again.status_code == 302
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(services.SurveyClosed):
        services.survey_submit(survey=survey, user=learner, data=answers(survey))


def test_not_invited_is_refused(client, make_user, survey):
    client.force_login(make_user(Role.LEARNER))
    response = client.post(reverse("quality:survey_answer", args=[survey.pk]), answers(survey))
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_skip_is_not_offered_again(client, learner, course, survey):
    _complete(learner, course)
    client.force_login(learner)
    url = reverse("quality:survey_answer", args=[survey.pk])
    assert client.post(url, {"skip": "1"}).status_code == 302
    assert SurveyParticipation.objects.get().state == SurveyParticipation.State.SKIPPED
    assert not SurveyResponse.objects.exists()
    assert services.surveys_offer_on_completion(enrolment=Enrolment.objects.get()) == 0


@pytest.mark.parametrize(
    "bad",
    [{"likert": "9"}, {"likert": ""}, {"single": "7"}, {"likert": "x"}, {"multiple": ["99"]}],
)
def test_bad_answers_are_form_errors(client, learner, course, survey, bad):
    _complete(learner, course)
    client.force_login(learner)
    data = answers(survey)
    qs = list(survey.questions.all())
    keys = {"likert": qs[0], "single": qs[1], "multiple": qs[2]}
    for name, value in bad.items():
        data[f"q{keys[name].pk}"] = value
    response = client.post(reverse("quality:survey_answer", args=[survey.pk]), data)
    assert response.status_code == 422
    assert not SurveyResponse.objects.exists()
    assert SurveyParticipation.objects.get().state == SurveyParticipation.State.PENDING


def test_over_long_text_is_a_form_error(client, learner, course, survey):
    _complete(learner, course)
    client.force_login(learner)
    data = answers(survey, text="x" * 5000)
    assert client.post(reverse("quality:survey_answer", args=[survey.pk]), data).status_code == 422


def _answered_by(n, survey, make_user, text=""):
    for i in range(n):
        user = make_user(Role.LEARNER)
        SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=user)
        services.survey_submit(
            survey=survey, user=user, data=answers(survey, likert=3 + i % 3, text=text)
        )


def test_results_hidden_below_the_minimum_group(client, officer, make_user, survey):
    _answered_by(2, survey, make_user, text="secreto")
    client.force_login(officer)
    page = client.get(reverse("quality:survey_results", args=[survey.pk]))
    assert page.status_code == 200
    assert b'data-suppressed="1"' in page.content
    assert b"secreto" not in page.content
    assert client.get(reverse("quality:survey_csv", args=[survey.pk])).status_code == 403


def test_results_and_csv_from_the_minimum_group_with_text_escaped(
    client, officer, make_user, survey
):
    _answered_by(3, survey, make_user, text="<script>alert(1)</script>")
    client.force_login(officer)
    page = client.get(reverse("quality:survey_results", args=[survey.pk])).content.decode()
    assert 'data-stat="mean">4,0<' in page  # (3 + 4 + 5) / 3, in Spanish
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    csv = b"".join(client.get(reverse("quality:survey_csv", args=[survey.pk])).streaming_content)
    lines = csv.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4
    assert all("@" not in line for line in lines)  # no e-mail, no person


def test_who_sees_results(client, make_user, trainer, survey, course):
    url = reverse("quality:survey_results", args=[survey.pk])
    client.force_login(make_user(Role.LEARNER))
    assert client.get(url).status_code == 403
    client.force_login(trainer)
    assert client.get(url).status_code == 403
    course.owners.add(trainer)
    course.save()
    assert client.get(url).status_code == 200


def test_a_survey_with_answers_is_versioned(make_user, survey, course):
    _answered_by(1, survey, make_user)
    waiting = make_user(Role.LEARNER)
    SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=waiting)
    copy = services.survey_new_version(survey=survey)
    survey.refresh_from_db()
    assert not survey.active and copy.active
    assert (copy.version, copy.lineage) == (2, survey.lineage)
    assert [q.text for q in copy.questions.all()] == [q.text for q in survey.questions.all()]
    assert SurveyResponse.objects.get().survey == survey  # answers keep their version
    assert SurveyParticipation.objects.get(user=waiting).survey == copy
    # Whoever answered the first version is not asked the second.
    answered = SurveyParticipation.objects.exclude(user=waiting).get().user
    enrolment = Enrolment.objects.create(
        learner=answered, course=course, status=Enrolment.Status.COMPLETED
    )
    assert services.surveys_offer_on_completion(enrolment=enrolment) == 0


def test_a_survey_not_anonymous_keeps_the_respondent(make_user, course):
    survey = make_survey(course=course, anonymous=False)
    _answered_by(1, survey, make_user)
    assert SurveyResponse.objects.get().respondent is not None


def test_manager_follow_up_after_n_days_once(make_user, course):
    make_survey(course=course, audience=Survey.Audience.MANAGER, followup_days=30)
    unit = make_unit("min")
    boss = StaffFactory(unit=unit)
    report = StaffFactory(unit=unit, manager=boss)
    Enrolment.objects.create(
        learner=report.user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now() - timedelta(days=30),
    )
    Enrolment.objects.create(  # too recent
        learner=StaffFactory(unit=unit, manager=boss).user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now() - timedelta(days=5),
    )
    assert services.manager_followups_send() == 1
    assert services.manager_followups_send() == 0
    participation = SurveyParticipation.objects.get()
    assert participation.user == boss.user
    log = NotificationLog.objects.get(kind="quality_followup")
    assert log.recipient == boss.user
    assert f"?sobre={participation.subject}" in log.body


def test_answered_counts_responses_recorded_without_a_participation(client, officer, survey):
    # As the demo records them: six responses, no participation rows.
    for _ in range(6):
        SurveyResponse.objects.create(survey=survey, course=survey.course)
    client.force_login(officer)
    page = client.get(reverse("quality:survey_results", args=[survey.pk])).content.decode()
    assert 'data-stat="responses">6<' in page
    assert 'data-stat="answered">6<' in page


def test_answered_counts_each_participation_once(client, officer, make_user, survey):
    _answered_by(3, survey, make_user)
    client.force_login(officer)
    page = client.get(reverse("quality:survey_results", args=[survey.pk])).content.decode()
    assert 'data-stat="answered">3<' in page
