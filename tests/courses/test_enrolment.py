from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage, Enrolment
from courses.services import enrolment_create

from .factories import make_course

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_self_enrolment_by_post(client, learner, course):
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert response.url == course.url
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.source == Enrolment.Source.SELF
    assert any("Se inscribió" in m for m in _messages(response))


def test_enrol_requires_post(client, learner, course):
    client.force_login(learner)
    assert client.get(reverse("courses:enrol", args=[course.pk])).status_code == 405
    assert not Enrolment.objects.exists()


def test_enrol_requires_a_csrf_token(learner, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(reverse("courses:enrol", args=[course.pk])).status_code == 403
    assert not Enrolment.objects.exists()


def test_anonymous_enrol_goes_to_sign_in(client, course):
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert "/cuenta/login/" in response.url
    assert not Enrolment.objects.exists()


def test_forged_enrolment_of_another_user_enrols_only_the_requester(
    client, learner, make_user, course
):
    victim = make_user()
    client.force_login(learner)
    client.post(
        reverse("courses:enrol", args=[course.pk]), {"learner": victim.pk, "learner_id": victim.pk}
    )
    assert not Enrolment.objects.filter(learner=victim).exists()
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_enrolling_in_an_unpublished_course_is_404(client, learner):
    draft = make_course(title="Borrador", live=False)
    client.force_login(learner)
    assert client.post(reverse("courses:enrol", args=[draft.pk])).status_code == 404
    assert not Enrolment.objects.exists()


def test_enrolling_in_a_course_that_was_unpublished_is_404(client, learner, course):
    course.unpublish()
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 404
    assert course.title not in response.content.decode()


def test_staff_only_course_cannot_be_enrolled_by_anonymous(course):
    course.visibility = CoursePage.Visibility.STAFF
    course.save_revision().publish()
    with pytest.raises(PermissionDenied):
        enrolment_create(learner=_anonymous(), course=course)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_prerequisites_are_enforced_with_a_spanish_message(client, learner, course):
    advanced = make_course(title="Interoperabilidad avanzada", lessons=1)
    advanced.prerequisites.set([course])
    advanced.save_revision().publish()
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[advanced.pk]))
    assert response.status_code == 302
    assert not Enrolment.objects.filter(course=advanced).exists()
    assert _messages(response) == ["Primero debe completar estos cursos: Interoperabilidad básica"]


def test_prerequisites_met_allow_enrolment(learner, course):
    advanced = make_course(title="Avanzado", lessons=1)
    advanced.prerequisites.set([course])
    advanced.save_revision().publish()
    Enrolment.objects.create(
        learner=learner,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    assert enrolment_create(learner=learner, course=advanced).status == Enrolment.Status.ACTIVE


def test_assigned_enrolment_with_due_date_for_hr(learner, make_user, course):
    from core.roles import Role

    hr = make_user(Role.HR)
    due = timezone.localdate() + timedelta(days=15)
    enrolment = enrolment_create(
        learner=learner,
        course=course,
        source=Enrolment.Source.ASSIGNED,
        due_date=due,
        assigned_by=hr,
        check_prerequisites=False,
    )
    assert (enrolment.source, enrolment.due_date, enrolment.assigned_by) == (
        Enrolment.Source.ASSIGNED,
        due,
        hr,
    )
    # Assigning again moves the due date instead of opening a second enrolment.
    later = due + timedelta(days=10)
    again = enrolment_create(
        learner=learner, course=course, source=Enrolment.Source.ASSIGNED, due_date=later
    )
    assert again.pk == enrolment.pk and again.due_date == later


def test_leave_a_course(client, learner, course):
    enrolment = enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    response = client.post(reverse("courses:leave", args=[course.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert response.status_code == 302


def test_assigned_course_cannot_be_left_by_the_learner(client, learner, course):
    enrolment = enrolment_create(
        learner=learner, course=course, source=Enrolment.Source.ASSIGNED, due_date=None
    )
    client.force_login(learner)
    response = client.post(reverse("courses:leave", args=[course.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert "Talento Humano" in _messages(response)[0]


def test_leaving_someone_elses_enrolment_is_refused(learner, make_user, course):
    from courses.services import enrolment_withdraw

    enrolment = enrolment_create(learner=learner, course=course)
    with pytest.raises(PermissionDenied):
        enrolment_withdraw(enrolment=enrolment, user=make_user())


def test_prerequisite_error_rolls_back(learner, course):
    advanced = make_course(title="Avanzado", lessons=0)
    advanced.prerequisites.set([course])
    advanced.save_revision().publish()
    with pytest.raises(ValidationError):
        enrolment_create(learner=learner, course=advanced)
    assert not Enrolment.objects.exists()
