from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.hooks import _my_learning_panels, register_my_learning_panel
from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete

from .factories import make_course

pytestmark = pytest.mark.django_db
URL = "/mi-aprendizaje/"


def test_requires_sign_in(client):
    assert reverse("courses:my_learning") == URL
    response = client.get(URL)
    assert response.status_code == 302 and "/cuenta/login/" in response.url


def test_sections_assigned_in_progress_and_completed(client, learner):
    overdue = make_course(title="Curso vencido", lessons=1)
    upcoming = make_course(title="Curso por vencer", lessons=1)
    studying = make_course(title="Curso en marcha", lessons=2)
    finished = make_course(title="Curso terminado", lessons=1)
    left = make_course(title="Curso abandonado", lessons=1)
    today = timezone.localdate()
    enrolment_create(
        learner=learner,
        course=overdue,
        source=Enrolment.Source.ASSIGNED,
        due_date=today - timedelta(days=3),
    )
    enrolment_create(
        learner=learner,
        course=upcoming,
        source=Enrolment.Source.ASSIGNED,
        due_date=today + timedelta(days=9),
    )
    in_progress = enrolment_create(learner=learner, course=studying)
    lesson_complete(
        enrolment=in_progress,
        lesson=LessonPage.objects.child_of(studying).first(),
        user=learner,
    )
    done = enrolment_create(learner=learner, course=finished)
    lesson_complete(
        enrolment=done, lesson=LessonPage.objects.child_of(finished).get(), user=learner
    )
    from courses.services import enrolment_withdraw

    enrolment_withdraw(enrolment=enrolment_create(learner=learner, course=left), user=learner)

    client.force_login(learner)
    html = client.get(URL).content.decode()
    assigned = html[html.index("Asignados a usted") : html.index('id="progress-title"')]
    assert assigned.index("Curso vencido") < assigned.index("Curso por vencer")
    assert "Vencido" in assigned and "Debía completarse el" in assigned
    progress = html[html.index('id="progress-title"') : html.index('id="completed-title"')]
    assert "Curso en marcha" in progress and "50% completado" in progress
    completed = html[html.index('id="completed-title"') :]
    assert "Curso terminado" in completed
    assert timezone.localdate().strftime("%Y") in completed
    assert "Curso abandonado" not in html


def test_overdue_is_not_shown_by_colour_only(client, learner):
    course = make_course(title="Vencido", lessons=1)
    enrolment_create(
        learner=learner,
        course=course,
        source=Enrolment.Source.ASSIGNED,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(learner)
    html = client.get(URL).content.decode()
    assert '<span class="badge badge--danger">Vencido</span>' in html


def test_extra_panels_from_higher_apps(client, learner, tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "testpanel").mkdir(parents=True)
    (template_dir / "testpanel" / "panel.html").write_text(
        "<section><h2>Mis certificados</h2>{{ panel_context.count }}</section>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]

    def panel(request):
        return {"template": "testpanel/panel.html", "context": {"count": 7}}

    def broken(request):
        raise RuntimeError("down")

    register_my_learning_panel(panel)
    register_my_learning_panel(broken)
    try:
        client.force_login(learner)
        html = client.get(URL).content.decode()
    finally:
        _my_learning_panels.remove(panel)
        _my_learning_panels.remove(broken)
    assert "<h2>Mis certificados</h2>7</section>" in html


def test_nav_items_registered():
    from django.contrib.auth.models import AnonymousUser

    from core.navigation import items_for

    keys = {item.key: item for item in items_for(AnonymousUser())}
    assert keys["courses"].url() == "/cursos/"
    assert "my-learning" not in keys
