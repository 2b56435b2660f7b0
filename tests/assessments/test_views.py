import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import grading, services
from assessments.layout import tokens_by_key
from assessments.models import Attempt, AttemptAnswer
from core.roles import Role
from tests.assessments.factories import (
    QuizFactory,
    enrolled_quiz,
    make_course,
    make_question,
    quiz_with_questions,
    with_mfa,
)

pytestmark = pytest.mark.django_db

ALL_TYPES = list(grading.TYPES)


def token(attempt, slot, key):
    """The opaque value the attempt page shows for an option's internal key."""
    attempt.refresh_from_db(fields=["layout"])
    return tokens_by_key(next(e for e in attempt.layout if e["slot"] == slot))[key]


def post_for(attempt, responses):
    """Form fields for {slot: response} as the attempt page would send them."""
    data = {}
    attempt.refresh_from_db(fields=["layout"])
    layout = {entry["slot"]: tokens_by_key(entry) for entry in attempt.layout}
    for answer in attempt.answers.select_related("version"):
        response = responses.get(answer.slot)
        if not response:
            continue
        name = f"q{answer.slot}"
        if "choices" in response:
            data[name] = [layout[answer.slot][c] for c in response["choices"]]
        elif "value" in response:
            data[name] = "true" if response["value"] else "false"
        elif "text" in response:
            data[name] = response["text"]
        else:
            for pair, option in response["pairs"].items():
                data[f"{name}-{pair}"] = layout[answer.slot][option]
    return data


def correct_post(attempt):
    return post_for(
        attempt,
        {
            a.slot: grading.correct_response(a.version.qtype, a.version.data)
            for a in attempt.answers.select_related("version")
        },
    )


@pytest.fixture
def started(client, learner):
    quiz = enrolled_quiz(learner, 6, qtypes=ALL_TYPES)
    client.force_login(learner)
    response = client.post(reverse("assessments:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(learner=learner)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:attempt", args=[attempt.uuid])
    return attempt


class TestLearnerFlow:
    def test_take_and_pass_without_javascript(self, client, started):
        url = reverse("assessments:attempt", args=[started.uuid])
        page = client.get(url)
        assert page.status_code == 200
        assert page.content.decode().count("<fieldset") == 6
        response = client.post(url, {**correct_post(started), "action": "submit"})
        assert response.status_code == 302
        started.refresh_from_db()
        assert (started.state, started.score, started.passed) == (
            "submitted",
            Decimal("100.00"),
            True,
        )
        result = client.get(reverse("assessments:result", args=[started.uuid]))
        assert "100" in result.content.decode()

    def test_save_then_continue(self, client, started):
        url = reverse("assessments:attempt", args=[started.uuid])
        data = post_for(started, {0: {"choices": ["c1"]}})
        assert client.post(url, {**data, "action": "save"}).status_code == 302
        assert AttemptAnswer.objects.get(attempt=started, slot=0).response == {"choices": ["c1"]}
        page = client.get(url).content.decode()
        assert f'value="{token(started, 0, "c1")}" checked' in page

    def test_autosave_endpoint(self, client, started):
        url = reverse("assessments:autosave", args=[started.uuid])
        response = client.post(url, post_for(started, {3: {"text": "ecucert"}}))
        assert response.status_code == 200
        assert "saved_at" in response.json()
        assert AttemptAnswer.objects.get(attempt=started, slot=3).response == {"text": "ecucert"}

    def test_attempt_page_never_contains_correct_answers_or_feedback(self, client, started):
        html = client.get(reverse("assessments:attempt", args=[started.uuid])).content.decode()
        for word in (
            "fraction",
            "correct",
            "feedback",
            "Bien",
            "Correcto",
            "Revise",
            "ECUCERT",
            "right answer",
        ):
            assert word not in html, word
        # Matching options are offered as a shuffled list, never next to their left item.
        assert "Confidencialidad" in html  # the option text is there, as an option
        assert html.count("data-correct") == 0

    def test_result_follows_the_review_policy(self, client, learner):
        quiz = enrolled_quiz(
            learner,
            1,
            review_show_responses=False,
            review_show_correct=False,
            review_show_feedback=False,
        )
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        client.post(
            reverse("assessments:attempt", args=[attempt.uuid]),
            {"q0": token(attempt, 0, "c1"), "action": "submit"},
        )
        html = client.get(reverse("assessments:result", args=[attempt.uuid])).content.decode()
        main = html.split('id="main"')[1]
        assert "Confidencialidad" not in main and "Popularidad" not in main  # no question shown
        assert "question--review" not in html
        assert "0%" in html or "0 %" in html

    def test_result_with_correct_answers_and_feedback(self, client, learner):
        quiz = enrolled_quiz(learner, 1, review_show_correct=True, review_show_feedback=True)
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        client.post(
            reverse("assessments:attempt", args=[attempt.uuid]),
            {"q0": token(attempt, 0, "c1"), "action": "submit"},
        )
        html = client.get(reverse("assessments:result", args=[attempt.uuid])).content.decode()
        assert "question--incorrect" in html
        assert "No" in html  # the chosen choice's feedback
        assert "badge--success" in html  # the right answer is marked

    def test_start_errors_are_explained(self, client, learner):
        quiz = enrolled_quiz(learner, 1, closes_at=timezone.now() - timedelta(days=1))
        client.force_login(learner)
        response = client.post(reverse("assessments:start", args=[quiz.pk]))
        assert response.status_code == 403
        assert "cerr" in response.content.decode().lower()
        assert not Attempt.objects.exists()

    def test_anonymous_is_sent_to_sign_in(self, client, started):
        client.logout()
        response = client.get(reverse("assessments:attempt", args=[started.uuid]))
        assert response.status_code == 302 and "cuenta" in response["Location"]


class TestTamperedPosts:
    """Each tampered POST gets a 4xx and changes nothing."""

    def snapshot(self, attempt):
        attempt.refresh_from_db()
        return (
            attempt.state,
            attempt.score,
            list(
                AttemptAnswer.objects.filter(attempt=attempt)
                .order_by("slot")
                .values_list("response", flat=True)
            ),
        )

    @pytest.mark.parametrize("endpoint", ["assessments:attempt", "assessments:autosave"])
    def test_slot_not_in_the_attempt(self, client, started, endpoint):
        client.post(
            reverse("assessments:attempt", args=[started.uuid]),
            {"q0": token(started, 0, "c0"), "action": "save"},
        )
        before = self.snapshot(started)
        response = client.post(
            reverse(endpoint, args=[started.uuid]),
            {"q0": token(started, 0, "c1"), "q99": "c0", "action": "submit"},
        )
        assert response.status_code == 400
        assert self.snapshot(started) == before

    @pytest.mark.parametrize("endpoint", ["assessments:attempt", "assessments:autosave"])
    def test_choice_of_another_question(self, client, started, endpoint):
        before = self.snapshot(started)
        # Slot 0 is single choice (c0..c2); "c9" belongs to no choice of it, "p0" is a matching pair id.
        for bad in ("c9", "p0"):
            response = client.post(
                reverse(endpoint, args=[started.uuid]), {"q0": bad, "action": "submit"}
            )
            assert response.status_code == 400
        assert self.snapshot(started) == before

    def test_matching_option_out_of_range(self, client, started):
        before = self.snapshot(started)
        response = client.post(
            reverse("assessments:attempt", args=[started.uuid]), {"q5-p0": "42", "action": "save"}
        )
        assert response.status_code == 400
        assert self.snapshot(started) == before

    @pytest.mark.parametrize(
        "endpoint", ["assessments:attempt", "assessments:autosave", "assessments:result"]
    )
    def test_another_users_attempt(self, client, started, make_user, endpoint):
        before = self.snapshot(started)
        client.force_login(make_user(Role.LEARNER))
        if endpoint == "assessments:result":
            response = client.get(reverse(endpoint, args=[started.uuid]))
        else:
            response = client.post(
                reverse(endpoint, args=[started.uuid]),
                {**correct_post(started), "action": "submit"},
            )
        assert response.status_code == 403
        assert self.snapshot(started) == before

    def test_another_users_attempt_page_is_refused(self, client, started, make_user):
        client.force_login(make_user(Role.LEARNER))
        assert client.get(reverse("assessments:attempt", args=[started.uuid])).status_code == 403

    def test_after_the_deadline(self, client, learner):
        quiz = enrolled_quiz(learner, 1, time_limit_minutes=10)
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        before = self.snapshot(attempt)
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            response = client.post(
                reverse("assessments:attempt", args=[attempt.uuid]),
                {"q0": token(attempt, 0, "c0"), "action": "submit"},
            )
            autosave = client.post(
                reverse("assessments:autosave", args=[attempt.uuid]),
                {"q0": token(attempt, 0, "c0")},
            )
        assert (response.status_code, autosave.status_code) == (409, 409)
        assert "tiempo" in autosave.json()["error"].lower()
        assert self.snapshot(attempt) == before

    def test_opening_an_expired_attempt_grades_what_was_saved(self, client, learner):
        quiz = enrolled_quiz(learner, 1, time_limit_minutes=10)
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        client.post(
            reverse("assessments:autosave", args=[attempt.uuid]),
            {"q0": token(attempt, 0, "c0")},
        )
        with time_machine.travel(timezone.now() + timedelta(minutes=30)):
            response = client.get(reverse("assessments:attempt", args=[attempt.uuid]))
        assert response["Location"] == reverse("assessments:result", args=[attempt.uuid])
        attempt.refresh_from_db()
        assert (attempt.passed, attempt.submitted_by_timeout, attempt.submitted_at) == (
            True,
            True,
            attempt.deadline,
        )

    def test_second_submission(self, client, started):
        url = reverse("assessments:attempt", args=[started.uuid])
        assert client.post(url, {**correct_post(started), "action": "submit"}).status_code == 302
        graded = self.snapshot(started)
        second = client.post(url, {"q0": token(started, 0, "c1"), "action": "submit"})
        assert second.status_code == 409
        assert "ya" in second.content.decode().lower()
        assert self.snapshot(started) == graded


class TestQueryCounts:
    @pytest.mark.parametrize("size", [5, 50])
    def test_rendering_and_submitting_are_bounded(
        self, client, learner, django_assert_max_num_queries, size
    ):
        quiz = enrolled_quiz(learner, size, qtypes=ALL_TYPES)
        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get()
        url = reverse("assessments:attempt", args=[attempt.uuid])
        data = correct_post(attempt)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(22):
            assert client.post(url, {**data, "action": "submit"}).status_code == 302
        with django_assert_max_num_queries(12):
            assert client.get(reverse("assessments:result", args=[attempt.uuid])).status_code == 200
        attempt.refresh_from_db()
        assert attempt.score == Decimal("100.00")

    @pytest.mark.parametrize("size", [5, 50])
    def test_start_is_bounded(self, client, learner, django_assert_max_num_queries, size):
        quiz = enrolled_quiz(learner, size)
        client.force_login(learner)
        with django_assert_max_num_queries(16):
            client.post(reverse("assessments:start", args=[quiz.pk]))
        assert Attempt.objects.get().answers.count() == size


class TestCourseIntegration:
    def test_not_enrolled_learner_cannot_start(self, client, learner):
        course = make_course()
        quiz = quiz_with_questions(1, course=course)
        client.force_login(learner)
        response = client.post(reverse("assessments:start", args=[quiz.pk]))
        assert response.status_code == 403
        assert "inscr" in response.content.decode().lower()

    def test_passing_the_required_quiz_completes_the_course(self, client, learner):
        from courses.models import Enrolment, LessonPage
        from courses.services import enrolment_create, lesson_complete

        course = make_course(lessons=1)
        quiz = quiz_with_questions(2, course=course, required_for_completion=True, pass_mark=60)
        enrolment = enrolment_create(learner=learner, course=course)
        lesson_complete(
            enrolment=enrolment, lesson=LessonPage.objects.child_of(course).get(), user=learner
        )
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ACTIVE  # lessons done, quiz not passed yet

        failed = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_submit(attempt_uuid=failed.uuid, user=learner)
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ACTIVE

        client.force_login(learner)
        client.post(reverse("assessments:start", args=[quiz.pk]))
        attempt = Attempt.objects.get(state="in_progress")
        client.post(
            reverse("assessments:attempt", args=[attempt.uuid]),
            {**correct_post(attempt), "action": "submit"},
        )
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.COMPLETED


class TestTrainerViews:
    @pytest.fixture
    def course_quiz(self, make_user):
        owner = make_user(Role.TRAINER)
        course = make_course(owners=[owner])
        quiz = quiz_with_questions(
            3, qtypes=[grading.SINGLE, grading.MULTIPLE, grading.SHORT], course=course
        )
        return owner, quiz

    def urls(self, quiz):
        return [
            reverse("assessments:quiz_attempts", args=[quiz.pk]),
            reverse("assessments:quiz_attempts", args=[quiz.pk]) + "?format=csv",
            reverse("assessments:statistics", args=[quiz.pk]),
            reverse("assessments:statistics", args=[quiz.pk]) + "?format=csv",
        ]

    def test_owner_and_admin_see_reports(self, client, course_quiz, make_user):
        owner, quiz = course_quiz
        for user in (owner, with_mfa(make_user(Role.ADMIN))):
            client.force_login(user)
            for url in self.urls(quiz):
                assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("role", [Role.TRAINER, Role.LEARNER, Role.HR])
    def test_others_are_refused(self, client, course_quiz, make_user, role):
        _owner, quiz = course_quiz
        client.force_login(with_mfa(make_user(role)))
        for url in self.urls(quiz):
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("assessments:regrade", args=[quiz.pk])).status_code == 403

    def test_review_of_an_attempt(self, client, course_quiz, learner, make_user):
        from courses.services import enrolment_create

        owner, quiz = course_quiz
        enrolment_create(learner=learner, course=quiz.course)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        url = reverse("assessments:review", args=[attempt.uuid])
        client.force_login(make_user(Role.TRAINER))
        assert client.get(url).status_code == 403
        client.force_login(owner)
        html = client.get(url).content.decode()
        assert "badge--success" in html  # right answers shown to the trainer
        # Unanswered: "0 de 1 punto", never a raw decimal like "0.00".
        assert "0 de 1 punto" in html and "0.00 de" not in html

    def test_manage_lists_only_own_quizzes(self, client, course_quiz, make_user):
        owner, quiz = course_quiz
        other = QuizFactory(title="Ajena", course=make_course(title="Otro"))
        client.force_login(owner)
        html = client.get(reverse("assessments:manage")).content.decode()
        assert quiz.title in html and other.title not in html
        client.force_login(make_user(Role.LEARNER))
        assert client.get(reverse("assessments:manage")).status_code == 403

    def test_attempt_list_query_count_does_not_grow(
        self, client, course_quiz, django_assert_max_num_queries, make_user
    ):
        owner, quiz = course_quiz
        client.force_login(owner)
        url = reverse("assessments:quiz_attempts", args=[quiz.pk])
        for size in (2, 12):
            while quiz.attempts.count() < size:
                learner = make_user(Role.LEARNER)
                Attempt.objects.create(
                    quiz=quiz,
                    learner=learner,
                    number=1,
                    started_at=timezone.now(),
                    state="submitted",
                )
            with django_assert_max_num_queries(10):
                assert client.get(url).status_code == 200

    def test_regrade_by_owner(self, client, course_quiz):
        owner, quiz = course_quiz
        client.force_login(owner)
        response = client.post(reverse("assessments:regrade", args=[quiz.pk]))
        assert response.status_code == 302


def test_quiz_page_lists_own_attempts_only(client, learner, make_user):
    other = make_user(Role.LEARNER)
    quiz = enrolled_quiz([learner, other], 1)
    mine = services.attempt_start(quiz_id=quiz.pk, user=learner)
    theirs = services.attempt_start(quiz_id=quiz.pk, user=other)
    client.force_login(learner)
    html = client.get(reverse("assessments:quiz", args=[quiz.pk])).content.decode()
    assert str(mine.uuid) in html and str(theirs.uuid) not in html


def test_autosave_returns_json_errors(client, started):
    response = client.post(reverse("assessments:autosave", args=[started.uuid]), {"q0": "zz"})
    assert response.status_code == 400
    assert json.loads(response.content)["error"]


def test_question_from_admin_edit_gets_versioned(admin_client):
    question = make_question()
    question.stem = "cambiado"
    question.save()
    services.question_version_sync(question_id=question.pk)
    assert question.versions.count() == 1


@pytest.mark.parametrize("courses", [1, 4])
def test_my_quizzes_lists_enrolled_courses_quizzes_with_bounded_queries(
    client, learner, django_assert_max_num_queries, courses
):
    from courses.services import enrolment_create

    for i in range(courses):
        course = make_course(title=f"Curso {i}")
        quiz = quiz_with_questions(1, course=course, title=f"Final {i}")
        enrolment_create(learner=learner, course=course)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
    hidden = quiz_with_questions(1, course=make_course(title="No inscrito"), title="Ajena")
    client.force_login(learner)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("assessments:mine")).content.decode()
    assert html.count("Final ") == courses
    assert hidden.title not in html


def test_course_page_and_my_learning_list_the_quizzes(client, learner):
    from courses.services import enrolment_create

    course = make_course(title="Gobierno abierto")
    quiz = quiz_with_questions(1, course=course, title="Evaluación final de gobierno abierto")
    enrolment_create(learner=learner, course=course)
    client.force_login(learner)
    course_html = client.get(course.url).content.decode()
    assert reverse("assessments:quiz", args=[quiz.pk]) in course_html
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
    services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
    learning_html = client.get("/mi-aprendizaje/").content.decode()
    assert quiz.title in learning_html and "Aún no aprobada" in learning_html
