import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress
from courses.services import enrolment_create

from .factories import make_course

pytestmark = pytest.mark.django_db


def _lessons(course):
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def test_enrolled_learner_reads_the_lesson_with_syllabus_and_pager(client, learner, course):
    enrolment_create(learner=learner, course=course)
    first, second, third = _lessons(course)
    client.force_login(learner)
    html = client.get(second.url).content.decode()
    assert "Contenido de Interoperabilidad básica: lección 2" in html
    assert f'href="{first.url}" rel="prev"' in html
    assert f'href="{third.url}" rel="next"' in html
    assert "Marcar como completada" in html
    assert 'aria-current="page"' in html


def test_not_enrolled_learner_is_sent_to_the_course_page(client, learner, course):
    lesson = _lessons(course)[0]
    client.force_login(learner)
    response = client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Inscríbase en el curso para estudiar sus lecciones."
    ]


def test_anonymous_is_sent_to_the_course_page(client, course):
    lesson = _lessons(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url


def test_non_enrolled_see_the_syllabus_but_not_lesson_links_or_bodies(client, learner, course):
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    first = _lessons(course)[0]
    assert first.title in html
    assert f'href="{first.url}"' not in html
    assert "Contenido de" not in html


def test_open_course_lessons_are_readable_without_enrolling(client, course):
    course.open_access = True
    course.save_revision().publish()
    lesson = _lessons(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Contenido de" in response.content.decode()
    assert "Marcar como completada" not in response.content.decode()


def test_lessons_of_an_unpublished_course_are_404_without_title(client, learner, course):
    enrolment_create(learner=learner, course=course)
    lesson = _lessons(course)[0]
    course.unpublish()
    client.force_login(learner)
    response = client.get(lesson.url)
    assert response.status_code == 404
    assert course.title not in response.content.decode()
    assert lesson.title not in response.content.decode()


def test_staff_only_lessons_are_404_for_anonymous(client, course):
    course.visibility = CoursePage.Visibility.STAFF
    course.open_access = True
    course.save_revision().publish()
    response = client.get(_lessons(course)[0].url)
    assert response.status_code == 404
    assert course.title not in response.content.decode()


def test_mark_as_completed_records_progress_and_moves_on(client, learner, course):
    enrolment = enrolment_create(learner=learner, course=course)
    first, second, _third = _lessons(course)
    client.force_login(learner)
    response = client.post(reverse("courses:complete", args=[first.pk]))
    assert response.status_code == 302 and response.url == second.url
    enrolment.refresh_from_db()
    assert enrolment.progress_percent == 33
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=first).completed_at
    html = client.get(course.url).content.decode()
    assert "33% completado" in html
    # Resume at the first lesson not done.
    assert f'<a class="button" href="{second.url}">' in html


def test_completing_every_lesson_completes_the_course(client, learner, course):
    enrolment = enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    for lesson in _lessons(course):
        client.post(reverse("courses:complete", args=[lesson.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.progress_percent == 100
    assert enrolment.completed_at is not None


def test_forged_completion_without_enrolment_is_refused(client, learner, course):
    client.force_login(learner)
    response = client.post(reverse("courses:complete", args=[_lessons(course)[0].pk]))
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_completion_only_ever_touches_the_requesters_enrolment(client, learner, make_user, course):
    other = make_user()
    other_enrolment = enrolment_create(learner=other, course=course)
    client.force_login(learner)
    client.post(
        reverse("courses:complete", args=[_lessons(course)[0].pk]),
        {"enrolment": other_enrolment.pk},
    )
    assert not LessonProgress.objects.filter(enrolment=other_enrolment).exists()


def test_completing_a_lesson_requires_post(client, learner, course):
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    assert client.get(reverse("courses:complete", args=[_lessons(course)[0].pk])).status_code == 405


def test_completion_of_an_unpublished_course_is_404(client, learner, course):
    enrolment_create(learner=learner, course=course)
    lesson = _lessons(course)[0]
    course.unpublish()
    client.force_login(learner)
    assert client.post(reverse("courses:complete", args=[lesson.pk])).status_code == 404


def test_syllabus_groups_lessons_by_module(client, learner):
    course = make_course(title="Modular", lessons=3, modules=["Módulo A", "Módulo A", "Módulo B"])
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert html.count('class="syllabus-module__title"') == 2
    assert html.index("Módulo A") < html.index("Módulo B")


def test_last_lesson_and_outline_lead_to_the_final_quiz(client, learner, course):
    """The quiz comes from assessments through courses' related-items registry."""
    from tests.assessments.factories import QuizFactory

    quiz = QuizFactory(course=course, title="Evaluación final de interoperabilidad")
    quiz_url = reverse("assessments:quiz", args=[quiz.pk])
    enrolment_create(learner=learner, course=course)
    first, _second, last = _lessons(course)
    client.force_login(learner)
    html = client.get(last.url).content.decode()
    assert f'href="{quiz_url}" rel="next"' in html
    assert f'href="{quiz_url}" rel="next"' not in client.get(first.url).content.decode()
    outline = client.get(course.url).content.decode()
    assert outline.index("lección 3") < outline.index("Después de las lecciones")
    assert f'href="{quiz_url}"' in outline
