"""Bad ids in the quality snippets' admin forms are field errors, never a 500, and a gain
design's quizzes belong to its course."""

import pytest
from django.urls import reverse

from quality.models import GainDesign, Indicator
from tests.assessments.factories import QuizFactory
from tests.people.factories import make_course

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "", "1" * 20, "1'"]


@pytest.fixture
def admin_client_(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_gain_design_with_a_bad_course_id_is_a_form_error(admin_client_, bad):
    course = make_course()
    pre, post = QuizFactory(course=course), QuizFactory(course=course)
    response = admin_client_.post(
        reverse("wagtailsnippets_quality_gaindesign:add"),
        {"course": bad, "pre_quiz": pre.pk, "post_quiz": post.pk},
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not GainDesign.objects.exists()


@pytest.mark.parametrize("bad", ["abc", "1" * 20])
def test_an_indicator_with_a_bad_course_id_is_a_form_error(admin_client_, bad):
    response = admin_client_.post(
        reverse("wagtailsnippets_quality_indicator:add"),
        {
            "name": "Indicador",
            "objective": "Objetivo",
            "source": "manual",
            "course": bad,
            "measure": "%",
            "baseline": "1",
            "baseline_date": "2026-01-01",
            "target": "2",
            "target_date": "2026-12-31",
            "frequency": "monthly",
            "verification": "Informe",
            "sort_order": "0",
        },
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not Indicator.objects.exists()


def test_a_gain_design_with_a_quiz_of_another_course_is_refused(admin_client_):
    course, other = make_course(title="Curso A"), make_course(title="Curso B")
    pre, foreign = QuizFactory(course=course), QuizFactory(course=other)
    response = admin_client_.post(
        reverse("wagtailsnippets_quality_gaindesign:add"),
        {"course": course.pk, "pre_quiz": pre.pk, "post_quiz": foreign.pk},
    )
    assert response.status_code == 200
    assert "Esta evaluación pertenece a otro curso" in response.content.decode()
    assert not GainDesign.objects.exists()


def test_a_gain_design_with_quizzes_of_its_course_is_saved(admin_client_):
    course = make_course()
    pre, post = QuizFactory(course=course), QuizFactory(course=course)
    response = admin_client_.post(
        reverse("wagtailsnippets_quality_gaindesign:add"),
        {"course": course.pk, "pre_quiz": pre.pk, "post_quiz": post.pk},
    )
    assert response.status_code == 302
    assert GainDesign.objects.get().post_quiz == post
