"""Two requests submitting the same attempt at once get one grade (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.models import Attempt, AttemptAnswer
from tests.assessments.factories import quiz_with_questions
from tests.core.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (select_for_update)"
    ),
]


@pytest.fixture
def learner():
    # Transactional tests flush the database, role groups included: a plain account is enough.
    return UserFactory()


def _run_in_threads(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_threads_submitting_the_same_attempt_grade_it_once(learner):
    quiz = quiz_with_questions(5)
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    services.attempt_save_answers(
        attempt_uuid=attempt.uuid,
        user=learner,
        responses={i: {"choices": ["c0"]} for i in range(5)},
    )

    results, errors = _run_in_threads(
        lambda: services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
    )

    assert errors == []
    assert sorted(submitted for _attempt, submitted in results) == [False, True]
    graded = next(a for a, submitted in results if submitted)
    other = next(a for a, submitted in results if not submitted)
    assert other.submitted_at == graded.submitted_at and other.score == graded.score == 100
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert AttemptAnswer.objects.filter(attempt=attempt, fraction=1).count() == 5


def test_two_threads_starting_get_one_open_attempt(learner):
    quiz = quiz_with_questions(3)
    results, errors = _run_in_threads(lambda: services.attempt_start(quiz_id=quiz.pk, user=learner))
    assert errors == []
    assert len({a.pk for a in results}) == 1
    assert Attempt.objects.filter(quiz=quiz, learner=learner).count() == 1
