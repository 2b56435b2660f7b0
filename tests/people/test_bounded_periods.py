"""Periods have plausible bounds: SQLite keeps any integer, and a due date 3,000,000 days ahead
overflowed the date arithmetic of the whole HR dashboard (an outsider's finding)."""

import pytest
from django.core.exceptions import ValidationError

from people.models import Requirement
from tests.people.factories import make_course, make_requirement

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"), [("due_days", 3_000_000), ("due_days", 3651), ("validity_months", 241)]
)
def test_the_requirement_form_refuses_an_implausible_period(hr_client, tree, field, value):
    course = make_course()
    data = {"course": course.pk, "scope": "everyone", "due_days": 30, "active": "on"}
    data[field] = value
    response = hr_client.post("/talento-humano/requisitos/", data)
    assert response.status_code == 200
    assert "menor o igual" in body(response)
    assert not Requirement.objects.exists()


def test_a_requirement_stored_before_the_bound_still_shows_the_dashboard(hr_client, tree):
    from django.db import connection

    requirement = make_requirement(make_course())
    # SQLite kept the outsider's 3,000,000 days (past date.max); PostgreSQL's smallint stops at
    # 32,767, so there the largest storable period is the one to survive.
    stored = 3_000_000 if connection.vendor == "sqlite" else 32_767
    Requirement.objects.filter(pk=requirement.pk).update(due_days=stored)
    assert hr_client.get("/talento-humano/").status_code == 200
    assert hr_client.get(f"/talento-humano/?requisito={requirement.pk}").status_code == 200


def test_course_and_quiz_periods_are_bounded():
    from assessments.models import Quiz
    from courses.models import CoursePage

    for model, field, value in [
        (CoursePage, "validity_months", 241),
        (Quiz, "time_limit_minutes", 10081),
        (Quiz, "cooldown_minutes", 525601),
        (Quiz, "max_attempts", 1001),
    ]:
        with pytest.raises(ValidationError):
            model._meta.get_field(field).run_validators(value)
        model._meta.get_field(field).run_validators(value - 1)
