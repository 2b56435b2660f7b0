import pytest
from django.urls import reverse

from courses.models import CoursePage, Enrolment
from courses.services import enrolment_create

from .factories import catalogue, make_course

pytestmark = pytest.mark.django_db


def test_catalogue_lists_published_courses_with_hours_level_and_topic(client, course):
    make_course(title="Borrador secreto", live=False)
    response = client.get("/cursos/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Interoperabilidad básica" in html
    assert "Interoperabilidad" in html
    assert "Básico" in html
    assert "h estimadas" in html
    assert "Borrador secreto" not in html


def test_catalogue_url_name_reverses_to_the_wagtail_page(client, course):
    assert reverse("courses:catalogue") == "/cursos/" == catalogue().url
    assert client.get(reverse("courses:catalogue")).status_code == 200


def test_course_page_shows_syllabus_and_enrol_button(client, learner, course):
    client.force_login(learner)
    response = client.get(course.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Temario" in html
    assert "Interoperabilidad básica: lección 1" in html
    assert reverse("courses:enrol", args=[course.pk]) in html


def test_enrolled_learner_sees_progress_and_resume(client, learner, course):
    enrolment = enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    lesson = course.get_children().live().first().specific
    client.get(lesson.url)
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lesson.pk
    html = client.get(course.url).content.decode()
    assert "Continuar donde lo dejó" in html
    assert f'href="{lesson.url}"' in html
    assert "0% completado" in html


def test_staff_only_course_is_404_for_anonymous(client, course):
    course.visibility = CoursePage.Visibility.STAFF
    course.save_revision().publish()
    assert client.get(course.url).status_code == 404
    assert course.title not in client.get("/cursos/").content.decode()


def test_enrol_then_study(client, learner, course):
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(learner=learner, course=course).exists()
