"""The learning-gain design refuses the same quiz as pre-test and post-test."""

import pytest
from django.urls import reverse

from quality.models import GainDesign
from tests.assessments.factories import QuizFactory
from tests.people.factories import make_course

pytestmark = pytest.mark.django_db


def test_same_quiz_as_pre_and_post_test_is_refused_in_spanish(client, officer):
    course = make_course(title="Curso con diseño")
    quiz, other = QuizFactory(course=course), QuizFactory(course=course)
    client.force_login(officer)
    add = reverse("wagtailsnippets_quality_gaindesign:add")
    data = {"course": course.pk, "pre_quiz": quiz.pk, "post_quiz": quiz.pk}
    response = client.post(add, data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "debe ser un cuestionario distinto" in response.content.decode()
    assert not GainDesign.objects.exists()

    response = client.post(add, {**data, "post_quiz": other.pk})
    assert response.status_code == 302
    design = GainDesign.objects.get()
    assert (design.pre_quiz, design.post_quiz) == (quiz, other)
