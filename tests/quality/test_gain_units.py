"""The learning gain per organisational unit: hand-computed means, the minimum group size,
the scope of each role, the drill-down from the matrix and a query count that does not grow
with the number of learners."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from core.roles import Role
from quality.models import GainDesign, Indicator, QualityScope
from tests.assessments.factories import QuizFactory
from tests.factories import StaffFactory, with_mfa
from tests.people.factories import make_course, make_unit, scope
from tests.quality.factories import make_indicator

pytestmark = pytest.mark.django_db


def _attempt(quiz, learner, score):
    Attempt.objects.create(
        quiz=quiz,
        learner=learner,
        number=1,
        state=Attempt.State.SUBMITTED,
        started_at=timezone.now(),
        submitted_at=timezone.now(),
        score=Decimal(score),
    )


@pytest.fixture
def world():
    root = make_unit("min", name="Ministerio")
    a = make_unit("a", root, name="Dirección A")
    b = make_unit("b", root, name="Dirección B")
    a1 = make_unit("a1", a, name="Oficina A1")  # depth 3: counted in A and the ministry
    course = make_course(title="Curso con pre y post")
    pre, post = QuizFactory(course=course), QuizFactory(course=course)
    design = GainDesign.objects.create(course=course, pre_quiz=pre, post_quiz=post)
    return {"root": root, "a": a, "b": b, "a1": a1, "design": design, "pre": pre, "post": post}


def _learner(world, unit, pre, post):
    user = StaffFactory(unit=unit).user
    _attempt(world["pre"], user, pre)
    if post is not None:
        _attempt(world["post"], user, post)
    return user


def _page(client, user, world, **params):
    client.force_login(user)
    return client.get(reverse("quality:gain_units", args=[world["design"].pk]), params)


def _rows(page) -> dict:
    rows = {"institution": page.context["institution"]} if page.context["institution"] else {}
    rows.update({row.unit.code: row for row in page.context["rows"]})
    return rows


def test_gain_per_unit_hand_computed_and_small_groups_hidden(client, officer, world):
    _learner(world, world["a"], 50, 75)  # g = 0.5
    _learner(world, world["a"], 20, 100)  # g = 1.0
    _learner(world, world["a1"], 0, 60)  # g = 0.6, counted in A (its parent) too
    _learner(world, world["a"], 40, None)  # no post-test: not counted
    _learner(world, world["b"], 10, 55)  # g = 0.5
    _learner(world, world["b"], 60, 80)  # g = 0.5
    page = _page(client, officer, world)
    assert page.status_code == 200
    rows = _rows(page)
    a = rows["a"]
    assert (a.learners, a.hidden) == (3, False)
    assert a.mean_pre == round((50 + 20 + 0) / 3, 1)
    assert a.mean_post == round((75 + 100 + 60) / 3, 1)
    assert a.mean_gain == round((0.5 + 1.0 + 0.6) / 3, 3)
    # Two learners in B: fewer than the minimum group (3): only the size is shown.
    assert (rows["b"].learners, rows["b"].hidden, rows["b"].mean_gain) == (2, True, None)
    assert rows["min"].learners == 5 and rows["min"].mean_gain == round(3.1 / 5, 3)
    assert rows["institution"].learners == 5
    assert "a1" not in rows  # the matrix's units only (two levels)
    body = page.content.decode()
    b_row = body.split(f'data-unit="{world["b"].pk}"')[1].split("</tr>")[0]
    assert 'data-stat="hidden"' in b_row and "Muy pocas personas" in b_row
    assert 'data-stat="gain"' not in b_row
    a_row = body.split(f'data-unit="{world["a"].pk}"')[1].split("</tr>")[0]
    assert 'data-stat="gain">0,7<' in a_row  # Spanish decimals


def test_queries_do_not_grow_with_learners(client, officer, world):
    client.force_login(officer)
    client.get(reverse("quality:gain_units", args=[world["design"].pk]))  # session, caches

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("quality:gain_units", args=[world["design"].pk]))
        assert page.status_code == 200
        return len(ctx.captured_queries), page

    for i in range(3):
        _learner(world, world["a"], 10 * i, 90)
    small, _page_small = count()
    for i in range(30):
        _learner(world, world["b" if i % 2 else "a1"], i, 95)
    large, page = count()
    assert large == small
    assert _rows(page)["b"].learners == 15


def test_scoped_hr_and_scoped_quality_see_only_their_units(client, make_user, world):
    for i in range(3):
        _learner(world, world["a"], 10 * i, 90)
        _learner(world, world["b"], 10 * i, 80)
    hr = with_mfa(make_user(Role.LEARNER, Role.HR))
    scope(hr, world["b"])
    quality = with_mfa(make_user(Role.LEARNER, "Calidad"))
    QualityScope.objects.create(user=quality, unit=world["b"])
    for user in (hr, quality):
        page = _page(client, user, world)
        assert page.status_code == 200
        assert set(_rows(page)) == {"b"}  # no institution row, no other unit
        assert page.content.count(b"data-unit=") == 1


def test_gain_refused_without_a_quality_or_hr_role(client, make_user, world):
    trainer = make_user(Role.LEARNER, Role.TRAINER)
    world["design"].course.owners.add(trainer)
    for user in (make_user(Role.LEARNER), trainer, make_user(Role.REVIEWER)):
        client.force_login(user)
        assert client.get(reverse("quality:gain_index")).status_code == 403
        assert (
            client.get(reverse("quality:gain_units", args=[world["design"].pk])).status_code == 403
        )
    client.logout()
    response = client.get(reverse("quality:gain_index"))
    assert response.status_code == 302


def test_scoped_quality_officer_with_no_unit_in_the_matrix_is_refused(client, make_user, world):
    deep = with_mfa(make_user(Role.LEARNER, "Calidad"))
    QualityScope.objects.create(user=deep, unit=world["a1"])  # below the matrix's two levels
    client.force_login(deep)
    assert client.get(reverse("quality:gain_index")).status_code == 403


def test_matrix_drills_down_to_the_gain_per_unit(client, officer, world):
    make_indicator(Indicator.Source.GAIN, name="Ganancia del curso", course=world["design"].course)
    make_indicator(Indicator.Source.GAIN, name="Ganancia de todos")
    client.force_login(officer)
    page = client.get(reverse("quality:matrix"))
    body = page.content.decode()
    assert reverse("quality:gain_units", args=[world["design"].pk]) in body
    assert reverse("quality:gain_index") in body
    index = client.get(reverse("quality:gain_index"))
    assert index.status_code == 200
    assert world["design"].course.title in index.content.decode()


def test_unknown_design_is_404(client, officer, world):
    client.force_login(officer)
    assert client.get(reverse("quality:gain_units", args=[999999])).status_code == 404


def test_matrix_and_gain_treat_the_unit_parameter_alike(client, officer, make_user, world):
    for i in range(3):
        _learner(world, world["a1"], 10 * i, 90)
    gain = reverse("quality:gain_units", args=[world["design"].pk])
    pages = (reverse("quality:matrix"), gain, reverse("quality:gain_index"))
    client.force_login(officer)
    # A third-level unit in scope works on both pages.
    matrix = client.get(pages[0], {"unidad": world["a1"].pk})
    assert matrix.status_code == 200 and matrix.context["unit"] == world["a1"]
    assert "dos primeros niveles" in matrix.content.decode()
    page = client.get(gain, {"unidad": world["a1"].pk})
    assert page.status_code == 200
    assert _rows(page)["a1"].learners == 3
    assert client.get(pages[2], {"unidad": world["a1"].pk}).status_code == 200
    # Unknown, malformed or out of scope: the same Spanish 404 on every page, never ignored.
    hr = with_mfa(make_user(Role.LEARNER, Role.HR))
    scope(hr, world["b"])
    for user, value in ((officer, 999999), (officer, "x"), (hr, world["a"].pk)):
        client.force_login(user)
        for url in pages:
            response = client.get(url, {"unidad": value})
            assert response.status_code == 404, (url, value)
            assert "no existe o está fuera de su ámbito" in response.content.decode()
    assert client.get(gain, {"unidad": world["b"].pk}).status_code == 200
