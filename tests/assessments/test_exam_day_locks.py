"""Exam day on PostgreSQL: a learner's autosave and submit lock that learner's rows only.

Before issue 17, `select_for_update()` with `select_related("quiz")` also locked the quiz row,
so every autosave of a quiz waited for every other one: at 200 learners the web threads all
sat on row locks. Now learner B's autosave completes under a short lock timeout while learner
A's attempt is locked; A's own second autosave does wait (the lock is real).
"""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from assessments import services
from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete
from tests.assessments.factories import make_course, quiz_with_questions
from tests.core.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (select_for_update)"
    ),
]

RIGHT = {"choices": ["c0"]}


def _lock_timeout(ms: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(ms)}ms'")


@pytest.fixture
def held_attempt_lock():
    """Lock an attempt in another connection (as a slow autosave of its learner would) until
    the test ends."""
    holding, release = threading.Event(), threading.Event()
    threads = []

    def hold(attempt, user):
        def run():
            try:
                with transaction.atomic():
                    services._load_for_update(attempt.uuid, user)
                    holding.set()
                    release.wait(20)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        assert holding.wait(10), "the other connection did not take the lock"

    yield hold
    release.set()
    for thread in threads:
        thread.join(20)


@pytest.mark.django_db(transaction=True)
def test_two_learners_autosaves_on_one_quiz_do_not_wait_on_each_other(held_attempt_lock):
    quiz = quiz_with_questions(4)
    learner_a, learner_b = UserFactory(), UserFactory()
    attempt_a = services.attempt_start(quiz_id=quiz.pk, user=learner_a)
    attempt_b = services.attempt_start(quiz_id=quiz.pk, user=learner_b)
    held_attempt_lock(attempt_a, learner_a)

    with transaction.atomic():
        _lock_timeout(1000)
        services.attempt_save_answers(
            attempt_uuid=attempt_b.uuid, user=learner_b, responses={0: RIGHT}
        )
    with transaction.atomic():
        _lock_timeout(1000)
        _graded, submitted = services.attempt_submit(attempt_uuid=attempt_b.uuid, user=learner_b)
    assert submitted
    with transaction.atomic():
        _lock_timeout(1000)
        third = services.attempt_start(quiz_id=quiz.pk, user=UserFactory())
    assert third.pk

    # Learner A's own autosave waits for A's lock: what is locked is the attempt row.
    with pytest.raises(OperationalError, match="lock"), transaction.atomic():
        _lock_timeout(300)
        services.attempt_save_answers(
            attempt_uuid=attempt_a.uuid, user=learner_a, responses={0: RIGHT}
        )


@pytest.mark.django_db
def test_a_completing_submit_locks_only_the_attempt_and_the_enrolment():
    course = make_course(title="Examen")
    quiz = quiz_with_questions(2, course=course, required_for_completion=True)
    learner = UserFactory()
    enrolment = enrolment_create(learner=learner, course=course)
    lesson_complete(
        enrolment=enrolment, lesson=LessonPage.objects.child_of(course).first(), user=learner
    )
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    with CaptureQueriesContext(connection) as queries:
        services.attempt_submit(
            attempt_uuid=attempt.uuid, user=learner, responses={0: RIGHT, 1: RIGHT}
        )
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 2, locks
    assert locks[0].endswith('FOR UPDATE OF "assessments_attempt"'), locks[0]
    assert 'FOR UPDATE OF "courses_enrolment"' in locks[1], locks[1]
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED
