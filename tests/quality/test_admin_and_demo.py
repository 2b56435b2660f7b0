"""Authoring in Wagtail: a survey with responses opens as a new version; the demo seeds a
survey with answers and six indicators, idempotently."""

import io

import pytest
from django.urls import reverse

from quality import demo, services
from quality.models import Indicator, IndicatorValue, Survey, SurveyParticipation, SurveyResponse
from tests.factories import make_course
from tests.quality.factories import answers, make_survey

pytestmark = pytest.mark.django_db


def test_editing_a_survey_with_responses_opens_a_new_version(client, officer, learner):
    survey = make_survey(course=make_course(title="Curso"))
    client.force_login(officer)
    edit = reverse("wagtailsnippets_quality_survey:edit", args=[survey.pk])
    assert client.get(edit).status_code == 200  # no responses: edited in place
    SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=learner)
    services.survey_submit(survey=survey, user=learner, data=answers(survey))
    response = client.get(edit)
    copy = Survey.objects.get(lineage=survey.lineage, version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailsnippets_quality_survey:edit", args=[copy.pk])
    assert copy.questions.count() == survey.questions.count()


def test_survey_authoring_refused_to_learners(client, learner):
    client.force_login(learner)
    response = client.get(reverse("wagtailsnippets_quality_survey:list"))
    assert response.status_code in (302, 403)


def test_demo_seeds_a_survey_with_answers_and_six_indicators():
    make_course(title="Curso demo")
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    survey = Survey.objects.get(title=demo.SURVEY_TITLE)
    assert SurveyResponse.objects.filter(survey=survey).count() == len(demo.DEMO_ANSWERS)
    assert Indicator.objects.count() == 6
    assert all(i.baseline is not None and i.target is not None for i in Indicator.objects.all())
    assert IndicatorValue.objects.filter(unit__isnull=True).count() == 5  # the computed ones


def test_a_survey_with_responses_is_not_deleted(client, officer, learner):
    survey = make_survey(course=make_course(title="Curso"))
    SurveyParticipation.objects.create(survey=survey, lineage=survey.lineage, user=learner)
    services.survey_submit(survey=survey, user=learner, data=answers(survey))
    client.force_login(officer)
    response = client.post(reverse("wagtailsnippets_quality_survey:delete", args=[survey.pk]))
    assert response.status_code == 302
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_the_quality_officer_picks_any_unit(client, officer):
    from tests.people.factories import make_unit

    root = make_unit("min")
    child = make_unit("dir", root)
    client.force_login(officer)
    page = client.get(reverse("quality:matrix"), {"unidad": child.pk})
    assert page.status_code == 200
    assert {u.pk for u in page.context["units"]} == {root.pk, child.pk}
