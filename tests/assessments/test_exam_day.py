"""Exam day (issue 17): the start, autosave and submit of an attempt ask the database a bounded
number of queries whatever the quiz's size and the number of other learners, the quiz's
definition comes from a cache that an edit invalidates, a pass completes the course in the
submit and leaves the certificate to the outbox, and a learner whose connection drops resumes
the same attempt with every autosaved answer and the server's deadline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import grading, layout, services
from assessments.models import Attempt, AttemptAnswer, QuizSlot
from core.models import OutboxMessage
from courses.models import Enrolment, LessonPage
from courses.services import enrolment_create, lesson_complete
from tests.assessments.factories import (
    QuestionCategoryFactory,
    make_course,
    make_question,
    quiz_with_questions,
)
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

# The profile of the Universidad de la República test: choices, true/false, matching, short.
MIX = [grading.SINGLE, grading.MULTIPLE, grading.SINGLE, grading.TRUEFALSE, grading.MATCHING]
MIX += [grading.SINGLE, grading.SHORT, grading.SINGLE]
START_MAX = 6  # user, enrolment + previous attempts, and the two inserts in their savepoint
AUTOSAVE_MAX = 5  # user, the locked attempt with its answers, one update (+ savepoint)
# user, the locked attempt with its answers, the answers' and the attempt's updates; the
# completion: the locked enrolment, the lessons, the required quizzes, the enrolment's update,
# the certificate's outbox row and the course's surveys (+ savepoint)
SUBMIT_MAX = 12


def _exam(questions: int, *, learners: int, others: int, time_limit: int | None = 30):
    """A course with one lesson and a required final quiz of `questions` questions; `learners`
    enrolled learners who completed the lesson, and `others` more who already started."""
    course = make_course(title=f"Examen {questions}-{others}")
    quiz = quiz_with_questions(
        questions,
        qtypes=MIX,
        course=course,
        required_for_completion=True,
        time_limit_minutes=time_limit,
        shuffle_choices=True,
    )
    lesson = LessonPage.objects.child_of(course).first()
    people = []
    for _ in range(learners + others):
        user = UserFactory()
        enrolment = enrolment_create(learner=user, course=course)
        lesson_complete(enrolment=enrolment, lesson=lesson, user=user)
        people.append(user)
    for user in people[learners:]:
        services.attempt_start(quiz_id=quiz.pk, user=user)
    return quiz, people[:learners]


def _right_post(attempt: Attempt) -> dict:
    """The attempt form with every answer right, as the page's tokens carry it."""
    attempt.refresh_from_db(fields=["layout"])
    post: dict = {}
    for answer in attempt.answers.select_related("version"):
        right = grading.correct_response(answer.version.qtype, answer.version.data)
        tokens = layout.tokens_by_key(attempt.layout[answer.slot])
        name = f"q{answer.slot}"
        if "choices" in right:
            post[name] = [tokens[c] for c in right["choices"]]
        elif "value" in right:
            post[name] = "true" if right["value"] else "false"
        elif "text" in right:
            post[name] = right["text"]
        else:
            post.update({f"{name}-{p}": tokens[i] for p, i in right["pairs"].items()})
    return post


def _count(client, method: str, url: str, data=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    return len(queries), response


@pytest.fixture
def measure(client, django_assert_max_num_queries):
    """Run one exam step for a learner of a small and of a large exam: the same number of
    queries both times, within `bound`."""

    def run(step, bound: int):
        counts = []
        for questions, others in ((2, 1), (16, 20)):
            quiz, (warm, learner) = _exam(questions, learners=2, others=others)
            client.force_login(warm)
            step(client, quiz, warm)  # per-process caches and the quiz's definition are warm
            client.force_login(learner)
            # As in the exam: the quiz page first (the session then knows the learner's roles).
            assert client.get(reverse("assessments:quiz", args=[quiz.pk])).status_code == 200
            prepare = step(client, quiz, learner, prepare_only=True)
            with django_assert_max_num_queries(bound):
                count, response = _count(client, *prepare)
            assert response.status_code in (200, 302), response.content[:500]
            counts.append(count)
        assert counts[0] == counts[1], f"{counts[0]} queries with 2 questions, {counts[1]} with 16"
        return counts[0]

    return run


def _start_step(client, quiz, user, prepare_only=False):
    request = ("post", reverse("assessments:start", args=[quiz.pk]))
    if prepare_only:
        return request
    return _count(client, *request)


def _autosave_step(client, quiz, user, prepare_only=False):
    attempt = services.attempt_start(quiz_id=quiz.pk, user=user)
    request = ("post", reverse("assessments:autosave", args=[attempt.uuid]), _right_post(attempt))
    return request if prepare_only else _count(client, *request)


def _submit_step(client, quiz, user, prepare_only=False):
    attempt = services.attempt_start(quiz_id=quiz.pk, user=user)
    post = {**_right_post(attempt), "action": "submit"}
    request = ("post", reverse("assessments:attempt", args=[attempt.uuid]), post)
    return request if prepare_only else _count(client, *request)


def test_start_asks_a_bounded_number_of_queries(measure):
    assert measure(_start_step, START_MAX) <= START_MAX
    assert Attempt.objects.filter(state=Attempt.State.IN_PROGRESS).count() == 2 + 2 + 1 + 20


def test_autosave_asks_a_bounded_number_of_queries(measure):
    measure(_autosave_step, AUTOSAVE_MAX)
    saved = AttemptAnswer.objects.filter(response__isnull=False, autosaved_at__isnull=False)
    assert saved.count() == 2 * 2 + 2 * 16  # every answer of both learners of both exams


def test_submit_that_completes_the_course_asks_a_bounded_number_of_queries(measure):
    measure(_submit_step, SUBMIT_MAX)
    submitted = Attempt.objects.filter(state=Attempt.State.SUBMITTED)
    assert submitted.count() == 4 and all(a.passed and a.score == 100 for a in submitted)
    completed = Enrolment.objects.filter(status=Enrolment.Status.COMPLETED)
    assert completed.count() == 4
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert {f"certificate:{e.pk}" for e in completed} <= keys


def test_a_pass_shows_passed_and_the_course_complete_at_once_and_certifies_after_commit(
    client, django_capture_on_commit_callbacks
):
    quiz, (learner,) = _exam(3, learners=1, others=0)
    client.force_login(learner)
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("assessments:attempt", args=[attempt.uuid]),
            {**_right_post(attempt), "action": "submit"},
        )
        enrolment = Enrolment.objects.get(learner=learner)
        # Inside the submit: completed, the certificate only recorded in the outbox.
        assert enrolment.status == Enrolment.Status.COMPLETED
        message = OutboxMessage.objects.get(dedupe_key=f"certificate:{enrolment.pk}")
        assert message.enqueued_at is None
        assert not enrolment.certificates.exists()
    assert response.status_code == 302
    assert callbacks, "the outbox sends the certificate after commit"
    result = client.get(response["Location"]).content.decode()
    assert "Aprobado" in result and "No aprobado" not in result


def test_a_failed_submit_completes_nothing(client):
    quiz, (learner,) = _exam(2, learners=1, others=0)
    client.force_login(learner)
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    client.post(reverse("assessments:attempt", args=[attempt.uuid]), {"action": "submit"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.passed is False
    assert Enrolment.objects.get(learner=learner).status == Enrolment.Status.ACTIVE
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="certificate:").exists()


def test_a_bad_token_in_the_submit_writes_nothing(client):
    quiz, (learner,) = _exam(2, learners=1, others=0)
    client.force_login(learner)
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    post = {**_right_post(attempt), "action": "submit", "q0": "not-a-token"}
    response = client.post(reverse("assessments:attempt", args=[attempt.uuid]), post)
    assert response.status_code == 400
    assert "no corresponde a esa pregunta" in response.content.decode()  # Spanish
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert not AttemptAnswer.objects.filter(attempt=attempt, response__isnull=False).exists()


def test_another_learners_attempt_is_refused_by_autosave_and_submit(client):
    quiz, (owner, intruder) = _exam(2, learners=2, others=0)
    attempt = services.attempt_start(quiz_id=quiz.pk, user=owner)
    client.force_login(intruder)
    autosave = client.post(reverse("assessments:autosave", args=[attempt.uuid]), {})
    submit = client.post(reverse("assessments:attempt", args=[attempt.uuid]), {"action": "submit"})
    assert autosave.status_code == 403 and submit.status_code == 403
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_an_edit_of_the_quiz_or_a_question_reaches_the_next_start():
    quiz, (first, second, third) = _exam(2, learners=3, others=0)
    services.attempt_start(quiz_id=quiz.pk, user=first)  # caches the definition
    question = make_question(grading.TRUEFALSE, category=QuestionCategoryFactory(), title="Nueva")
    QuizSlot.objects.create(quiz=quiz, question=question, sort_order=9)
    added = services.attempt_start(quiz_id=quiz.pk, user=second)
    assert added.answers.count() == 3
    slot = quiz.slots.order_by("sort_order").first()
    edited = slot.question
    edited.stem = "Texto corregido"
    edited.save()
    services.question_version_sync(question_id=edited.pk)  # seen by an attempt: a new version
    latest = services.attempt_start(quiz_id=quiz.pk, user=third)
    assert latest.answers.get(slot=0).version.stem == "Texto corregido"
    assert added.answers.get(slot=0).version.stem != "Texto corregido"


def test_a_dropped_connection_resumes_the_same_attempt_with_its_answers_and_deadline(client):
    quiz, (learner,) = _exam(4, learners=1, others=0, time_limit=45)
    client.force_login(learner)
    client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(learner=learner)
    post = _right_post(attempt)
    assert (
        client.post(reverse("assessments:autosave", args=[attempt.uuid]), post).status_code == 200
    )

    # The link drops: a new browser session (new cookies), the start button pressed again.
    client.logout()
    client.force_login(learner)
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    assert response["Location"] == reverse("assessments:attempt", args=[attempt.uuid])
    html = client.get(response["Location"]).content.decode()
    assert Attempt.objects.filter(learner=learner).count() == 1
    # Slots 0-2 are choice questions (MIX), slot 3 true/false: every saved answer is shown.
    for name in ("q0", "q1", "q2"):
        for token in post[name]:
            assert f'value="{token}" checked' in html, (name, token)
    assert f'value="{post["q3"]}" checked' in html
    # The server's deadline and clock, not the browser's: the timer counts from them.
    attempt.refresh_from_db()
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in html
    assert "data-now=" in html
    saved = AttemptAnswer.objects.filter(attempt=attempt, response__isnull=False).count()
    assert saved == 4
