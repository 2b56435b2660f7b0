import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from courses.models import Enrolment, LessonPage
from courses.selectors import course_report
from courses.services import enrolment_create, enrolment_withdraw, lesson_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated(course, make_user):
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    learners = [make_user(Role.LEARNER) for _ in range(4)]
    now = timezone.now()
    # Two complete (in 2 and 4 days), one does the first lesson, one leaves.
    for index, days in ((0, 2), (1, 4)):
        enrolment = enrolment_create(learner=learners[index], course=course)
        for lesson in lessons:
            enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=learners[index])
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_at=now - timedelta(days=days), completed_at=now
        )
    third = enrolment_create(learner=learners[2], course=course)
    lesson_complete(enrolment=third, lesson=lessons[0], user=learners[2])
    enrolment_withdraw(
        enrolment=enrolment_create(learner=learners[3], course=course), user=learners[3]
    )
    learners[0].first_name = "=HYPERLINK(1)"
    learners[0].save()
    return course


def test_report_numbers(populated):
    report = course_report(populated)
    assert (report.enrolled, report.in_progress, report.completed, report.withdrawn) == (4, 1, 2, 1)
    assert report.completion_rate == 50.0
    assert report.median_days_to_complete == 3.0
    assert [row.completed for row in report.lessons] == [3, 2, 2]


def test_owner_sees_the_report_page(client, trainer, populated):
    client.force_login(trainer)
    response = client.get(reverse("courses:report", args=[populated.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-stat="rate">50.0%' in html or 'data-stat="rate">50,0%' in html
    assert "Abandono por lección" in html


def test_report_csv_is_streamed_and_escapes_formulas(client, trainer, populated):
    client.force_login(trainer)
    response = client.get(reverse("courses:report_csv", args=[populated.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")  # Excel reads the accents as UTF-8 only with a BOM
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][0] == "Participante"
    assert len(rows) == 5
    assert any(row[0].startswith("'=HYPERLINK") for row in rows[1:])


@pytest.mark.parametrize("url_name", ["courses:report", "courses:report_csv"])
def test_other_trainers_and_learners_are_refused(
    client, other_trainer, learner, populated, url_name
):
    url = reverse(url_name, args=[populated.pk])
    for user in (other_trainer, learner):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_admin_sees_any_report(client, make_user, populated, settings):
    settings.MFA_REQUIRED_FOR_ROLES = []
    client.force_login(make_user(Role.ADMIN))
    assert client.get(reverse("courses:report", args=[populated.pk])).status_code == 200


def test_report_list_shows_only_owned_courses(client, trainer, other_trainer, course):
    client.force_login(other_trainer)
    assert course.title not in client.get(reverse("courses:reports")).content.decode()
    client.force_login(trainer)
    assert course.title in client.get(reverse("courses:reports")).content.decode()


def test_report_list_refused_to_learners(client, learner):
    client.force_login(learner)
    assert client.get(reverse("courses:reports")).status_code == 403
