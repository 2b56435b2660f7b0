import pytest
from django.urls import reverse

from assessments import services
from assessments.item_statistics import quiz_item_statistics
from core.roles import Role
from tests.assessments.factories import quiz_with_questions
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


def take(quiz, choices):
    user = UserFactory()
    attempt = services.attempt_start(quiz_id=quiz.pk, user=user)
    services.attempt_save_answers(
        attempt_uuid=attempt.uuid,
        user=user,
        responses={slot: ({"choices": [c]} if c else None) for slot, c in enumerate(choices)},
    )
    services.attempt_submit(attempt_uuid=attempt.uuid, user=user)


def populate(quiz, strong, weak):
    # Q1 and Q2 separate strong from weak learners; Q3 is answered right only by the weak
    # ones (a misleading question); Q0 everyone gets right.
    for _ in range(strong):
        take(quiz, ["c0", "c0", "c0", "c1", "c0"])
    for _ in range(weak):
        take(quiz, ["c0", "c1", "c2", "c0", "c1"])


def by_title(items):
    return {item.title: item for item in items}


def test_facility_discrimination_counts_and_flags():
    quiz = quiz_with_questions(5)
    populate(quiz, strong=8, weak=4)
    take(quiz, ["c0", None, "c0", "c1", "c0"])  # one learner leaves Q1 blank
    attempts, items = quiz_item_statistics(quiz)
    stats = by_title(items)
    assert attempts == 13
    assert stats["P0"].facility == 100.0
    assert stats["P0"].discrimination is None  # no variance: nothing to correlate
    assert "too_easy" in stats["P0"].flags
    assert stats["P1"].facility == pytest.approx(100 * 8 / 13, abs=0.1)
    assert stats["P1"].discrimination > 50
    assert stats["P3"].discrimination < 0
    assert "negative" in stats["P3"].flags
    counts = {r.label: r.count for r in stats["P1"].responses}
    assert counts == {"Confidencialidad": 8, "Popularidad": 4, "Gratuidad": 0, "Sin respuesta": 1}
    assert [r.correct for r in stats["P1"].responses][:3] == [True, False, False]


def test_discrimination_matches_pearson_correlation():
    quiz = quiz_with_questions(3)
    rows = [
        ["c0", "c0", "c0"],
        ["c0", "c1", "c0"],
        ["c1", "c0", "c1"],
        ["c1", "c1", "c1"],
        ["c0", "c0", "c1"],
    ]
    for row in rows:
        take(quiz, row)
    _attempts, items = quiz_item_statistics(quiz)
    x = [1.0 if r[0] == "c0" else 0.0 for r in rows]
    rest = [sum(1.0 for c in r[1:] if c == "c0") for r in rows]
    n = len(x)
    mx, my = sum(x) / n, sum(rest) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(x, rest, strict=True))
    var = (sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in rest)) ** 0.5
    assert by_title(items)["P0"].discrimination == pytest.approx(100 * cov / var, abs=0.1)


@pytest.mark.parametrize("learners", [(3, 2), (20, 10)])
def test_statistics_page_runs_a_fixed_number_of_queries(
    client, make_user, django_assert_max_num_queries, learners
):
    quiz = quiz_with_questions(5)
    trainer = make_user(Role.TRAINER)
    quiz.created_by = trainer
    quiz.save()
    populate(quiz, *learners)
    client.force_login(trainer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessments:statistics", args=[quiz.pk]))
    assert response.status_code == 200
    assert "Índice de facilidad" in response.content.decode()
    with django_assert_max_num_queries(12):
        csv_response = client.get(reverse("assessments:statistics", args=[quiz.pk]) + "?format=csv")
        body = b"".join(csv_response.streaming_content).decode()
    assert body.count("\n") == 6  # header + 5 questions
    # The type column as on the page ("Opción única"), never the stored "single".
    types = {line.split(",")[1] for line in body.strip().splitlines()[1:]}
    assert not types & {"single", "multiple", "numeric", "truefalse", "short", "matching"}
    assert "Opción única" in body or "Opción múltiple" in body


def test_csv_cells_cannot_run_formulas(client, make_user):
    quiz = quiz_with_questions(1)
    trainer = make_user(Role.TRAINER)
    quiz.created_by = trainer
    quiz.save()
    user = UserFactory(first_name="=HYPERLINK(1)")
    attempt = services.attempt_start(quiz_id=quiz.pk, user=user)
    services.attempt_submit(attempt_uuid=attempt.uuid, user=user)
    client.force_login(trainer)
    body = b"".join(
        client.get(
            reverse("assessments:quiz_attempts", args=[quiz.pk]) + "?format=csv"
        ).streaming_content
    )
    assert b"'=HYPERLINK" in body
