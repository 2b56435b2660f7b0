from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import grading, services
from assessments.models import Attempt, AttemptAnswer, Question, QuestionCategory, QuestionVersion
from core.roles import Role
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizFactory,
    add_random_slot,
    make_question,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db


def correct_responses(attempt):
    return {
        a.slot: grading.correct_response(a.version.qtype, a.version.data)
        for a in attempt.answers.select_related("version")
    }


class TestVersioning:
    def test_editing_an_unseen_question_updates_its_version_in_place(self):
        question = make_question()
        question.stem = "Nuevo texto"
        question.save()
        version = services.question_version_sync(question_id=question.pk)
        assert version.number == 1
        assert version.stem == "Nuevo texto"

    def test_editing_a_seen_question_creates_a_new_version_and_past_attempts_keep_theirs(
        self, learner
    ):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        question = Question.objects.get()
        question.stem = "Texto corregido"
        question.save()
        version = services.question_version_sync(question_id=question.pk)
        assert version.number == 2
        assert AttemptAnswer.objects.get(attempt=attempt).version.stem != "Texto corregido"
        assert QuestionVersion.objects.count() == 2

    def test_saving_without_changes_creates_nothing(self, learner):
        quiz = quiz_with_questions(1)
        services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.question_version_sync(question_id=Question.objects.get().pk)
        assert QuestionVersion.objects.count() == 1


class TestAttemptStart:
    def test_freezes_questions_versions_and_order(self, learner):
        quiz = quiz_with_questions(
            4, qtypes=[grading.SINGLE, grading.MATCHING], shuffle_questions=True
        )
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner, seed=3)
        assert [e["slot"] for e in attempt.layout] == [0, 1, 2, 3]
        assert {e["version"] for e in attempt.layout} == set(
            QuestionVersion.objects.values_list("pk", flat=True)
        )
        assert all("order" in e for e in attempt.layout)
        assert attempt.answers.count() == 4
        assert attempt.max_points == 4

    def test_is_idempotent_while_an_attempt_is_open(self, learner):
        quiz = quiz_with_questions(2)
        first = services.attempt_start(quiz_id=quiz.pk, user=learner)
        assert services.attempt_start(quiz_id=quiz.pk, user=learner) == first
        assert Attempt.objects.count() == 1

    def test_database_allows_one_open_attempt_per_learner_and_quiz(self, learner):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        with pytest.raises(IntegrityError), transaction.atomic():
            Attempt.objects.create(quiz=quiz, learner=learner, number=2, started_at=timezone.now())
        assert attempt.is_open

    def test_open_and_close_dates(self, learner):
        now = timezone.now()
        quiz = quiz_with_questions(1, opens_at=now + timedelta(days=1))
        with pytest.raises(services.QuizUnavailable):
            services.attempt_start(quiz_id=quiz.pk, user=learner, now=now)
        closed = quiz_with_questions(1, closes_at=now - timedelta(minutes=1))
        with pytest.raises(services.QuizUnavailable):
            services.attempt_start(quiz_id=closed.pk, user=learner, now=now)
        assert not Attempt.objects.exists()

    def test_deadline_is_capped_at_closing_time(self, learner):
        now = timezone.now()
        quiz = quiz_with_questions(1, time_limit_minutes=60, closes_at=now + timedelta(minutes=10))
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner, now=now)
        assert attempt.deadline == now + timedelta(minutes=10)

    def test_max_attempts_and_cooldown(self, learner):
        quiz = quiz_with_questions(1, max_attempts=2, cooldown_minutes=30)
        now = timezone.now()
        first = services.attempt_start(quiz_id=quiz.pk, user=learner, now=now)
        services.attempt_submit(attempt_uuid=first.uuid, user=learner, now=now)
        with pytest.raises(services.QuizUnavailable, match=r"(?i)nuevo intento|new attempt"):
            services.attempt_start(quiz_id=quiz.pk, user=learner, now=now + timedelta(minutes=10))
        second = services.attempt_start(
            quiz_id=quiz.pk, user=learner, now=now + timedelta(minutes=31)
        )
        assert second.number == 2
        services.attempt_submit(
            attempt_uuid=second.uuid, user=learner, now=now + timedelta(minutes=32)
        )
        with pytest.raises(services.QuizUnavailable):
            services.attempt_start(quiz_id=quiz.pk, user=learner, now=now + timedelta(days=1))

    def test_random_draw_from_category_and_subcategories(self, learner):
        root = QuestionCategoryFactory(name="Raíz")
        child = QuestionCategoryFactory(name="Hija", parent=root)
        for i in range(3):
            make_question(category=root, title=f"r{i}")
            make_question(category=child, title=f"h{i}")
        quiz = QuizFactory()
        add_random_slot(quiz, root, 5)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        versions = QuestionVersion.objects.filter(pk__in=[e["version"] for e in attempt.layout])
        assert len(attempt.layout) == 5
        assert len({v.question_id for v in versions}) == 5

    def test_random_draw_without_subcategories_refuses_when_short(self, learner):
        root = QuestionCategoryFactory()
        child = QuestionCategoryFactory(parent=root)
        make_question(category=root)
        make_question(category=child)
        quiz = QuizFactory()
        add_random_slot(quiz, root, 2, include_subcategories=False)
        with pytest.raises(services.QuizUnavailable):
            services.attempt_start(quiz_id=quiz.pk, user=learner)
        assert not Attempt.objects.exists()


class TestSaveAndSubmit:
    def test_full_marks(self, learner):
        quiz = quiz_with_questions(6, qtypes=list(grading.TYPES))
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_save_answers(
            attempt_uuid=attempt.uuid, user=learner, responses=correct_responses(attempt)
        )
        attempt, submitted = services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        assert submitted
        assert (attempt.score, attempt.passed, attempt.points) == (
            Decimal("100.00"),
            True,
            Decimal("6.000"),
        )

    def test_partial_and_failed(self, learner):
        quiz = quiz_with_questions(2, qtypes=[grading.MULTIPLE], pass_mark=60)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_save_answers(
            attempt_uuid=attempt.uuid,
            user=learner,
            responses={0: {"choices": ["c0"]}, 1: {"choices": ["c2"]}},
        )
        attempt, _ = services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        assert attempt.score == Decimal("25.00")
        assert attempt.passed is False

    def test_submit_is_idempotent(self, learner):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        first, submitted = services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        again, submitted_again = services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        assert (submitted, submitted_again) == (True, False)
        assert again.submitted_at == first.submitted_at

    @pytest.mark.parametrize(
        "responses",
        [
            {7: {"choices": ["c0"]}},
            {0: {"choices": ["c99"]}},
            {0: {"choices": ["c0", "c1"]}},
            {0: "c0"},
        ],
    )
    def test_tampered_answers_change_nothing(self, learner, responses):
        quiz = quiz_with_questions(2)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_save_answers(
            attempt_uuid=attempt.uuid, user=learner, responses={1: {"choices": ["c1"]}}
        )
        with pytest.raises(services.InvalidAnswer):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid,
                user=learner,
                responses={1: {"choices": ["c0"]}, **responses},
            )
        assert AttemptAnswer.objects.get(attempt=attempt, slot=1).response == {"choices": ["c1"]}

    def test_choice_of_another_question_is_refused(self, learner):
        quiz = quiz_with_questions(2, qtypes=[grading.SINGLE, grading.MATCHING])
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        with pytest.raises(services.InvalidAnswer):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid, user=learner, responses={1: {"choices": ["c0"]}}
            )

    def test_other_learners_attempt_is_refused(self, learner, make_user):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        intruder = make_user(Role.LEARNER)
        with pytest.raises(services.AttemptForbidden):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid, user=intruder, responses={0: {"choices": ["c0"]}}
            )
        with pytest.raises(services.AttemptForbidden):
            services.attempt_submit(attempt_uuid=attempt.uuid, user=intruder)
        attempt.refresh_from_db()
        assert attempt.is_open

    def test_answers_after_the_deadline_are_refused(self, learner):
        quiz = quiz_with_questions(1, time_limit_minutes=5)
        now = timezone.now()
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner, now=now)
        services.attempt_save_answers(
            attempt_uuid=attempt.uuid,
            user=learner,
            responses={0: {"choices": ["c0"]}},
            now=now + timedelta(minutes=5),
        )
        with pytest.raises(services.AttemptClosed):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid,
                user=learner,
                responses={0: {"choices": ["c1"]}},
                now=now + timedelta(minutes=6),
            )
        assert AttemptAnswer.objects.get(attempt=attempt).response == {"choices": ["c0"]}

    def test_answers_after_submission_are_refused(self, learner):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        with pytest.raises(services.AttemptClosed):
            services.attempt_save_answers(
                attempt_uuid=attempt.uuid, user=learner, responses={0: {"choices": ["c0"]}}
            )

    def test_expiry_submits_overdue_attempts_with_their_saved_answers(self, learner, make_user):
        quiz = quiz_with_questions(1, time_limit_minutes=5)
        now = timezone.now()
        overdue = services.attempt_start(
            quiz_id=quiz.pk, user=learner, now=now - timedelta(minutes=10)
        )
        services.attempt_save_answers(
            attempt_uuid=overdue.uuid,
            user=learner,
            responses={0: {"choices": ["c0"]}},
            now=now - timedelta(minutes=9),
        )
        running = services.attempt_start(quiz_id=quiz.pk, user=make_user(Role.LEARNER), now=now)
        assert services.attempts_expire_overdue(now=now) == 1
        assert services.attempts_expire_overdue(now=now) == 0
        overdue.refresh_from_db()
        running.refresh_from_db()
        assert (overdue.state, overdue.passed, overdue.submitted_by_timeout) == (
            "submitted",
            True,
            True,
        )
        assert overdue.submitted_at == overdue.deadline
        assert running.is_open

    def test_expire_command(self, learner):
        quiz = quiz_with_questions(1, time_limit_minutes=1)
        services.attempt_start(
            quiz_id=quiz.pk, user=learner, now=timezone.now() - timedelta(hours=1)
        )
        call_command("expire_attempts")
        assert not Attempt.objects.filter(state="in_progress").exists()

    def test_starting_again_after_the_deadline_closes_the_old_attempt(self, learner):
        quiz = quiz_with_questions(1, time_limit_minutes=1)
        old = services.attempt_start(
            quiz_id=quiz.pk, user=learner, now=timezone.now() - timedelta(hours=1)
        )
        new = services.attempt_start(quiz_id=quiz.pk, user=learner)
        assert new.pk != old.pk and new.number == 2


class TestRegrade:
    def test_fixing_a_wrong_key_and_regrading(self, learner, make_user):
        quiz = quiz_with_questions(1)
        attempt = services.attempt_start(quiz_id=quiz.pk, user=learner)
        services.attempt_save_answers(
            attempt_uuid=attempt.uuid, user=learner, responses={0: {"choices": ["c1"]}}
        )
        attempt, _ = services.attempt_submit(attempt_uuid=attempt.uuid, user=learner)
        assert attempt.passed is False
        question = Question.objects.get()
        question.data = {
            "choices": [
                {**c, "fraction": 1 if c["id"] == "c1" else 0} for c in question.data["choices"]
            ]
        }
        question.save()
        services.question_version_sync(question_id=question.pk)
        trainer = make_user(Role.TRAINER)
        assert services.quiz_regrade(quiz_id=quiz.pk, user=trainer) == 1
        attempt.refresh_from_db()
        assert (attempt.score, attempt.passed) == (Decimal("100.00"), True)
        assert services.quiz_regrade(quiz_id=quiz.pk, user=trainer) == 0


class TestImport:
    def test_sample_file_with_the_command(self, capsys):
        from tests.assessments.test_formats import SAMPLE

        call_command("import_questions", str(SAMPLE), "--format", "gift", "--category", "Seguridad")
        out = capsys.readouterr().out
        assert "single: 3" in out and "matching: 1" in out and "Imported 12" in out
        paths = sorted(c.path_name for c in QuestionCategory.objects.all())
        assert "Seguridad/EGSI/Fundamentos" in paths
        assert Question.objects.filter(current_version__isnull=False).count() == 12

    def test_malformed_file_imports_nothing_and_fails(self, tmp_path, capsys):
        bad = tmp_path / "malo.gift"
        bad.write_text("Bien{T}\n\nEnsayo{}\n\nOtra{=a\n", encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("import_questions", str(bad), "--category", "X")
        err = capsys.readouterr().err
        assert "3" in err and "5" in err
        assert not Question.objects.exists()
        assert not QuestionCategory.objects.exists()

    def test_aiken_with_the_command(self, tmp_path, capsys):
        path = tmp_path / "a.txt"
        path.write_text("¿EGSI?\nA. Esquema\nB. Lenguaje\nANSWER: A\n", encoding="utf-8")
        call_command("import_questions", str(path), "--format", "aiken", "--category", "Aiken")
        assert "single: 1" in capsys.readouterr().out

    def test_export_category_then_import_gives_the_same_bank(self):
        from assessments import formats
        from assessments.exports import category_to_gift
        from tests.assessments.test_formats import SAMPLE

        services.questions_import(text=SAMPLE.read_text(), fmt="gift", category_path="Origen")
        root = QuestionCategory.objects.get(name="Origen", parent=None)
        exported = category_to_gift(category_id=root.pk)
        first = formats.parse_gift(exported)
        services.questions_import(text=exported, fmt="gift", category_path="Copia")
        copy = QuestionCategory.objects.get(name="Copia", parent=None)
        second = formats.parse_gift(category_to_gift(category_id=copy.pk))

        def strip(q, prefix=""):
            return (
                q.qtype,
                q.title,
                q.stem,
                q.data,
                q.general_feedback,
                q.category.removeprefix(prefix),
            )

        # The copy was imported under "Copia", so its paths read "Copia/Origen/...".
        assert [strip(q) for q in first.questions] == [strip(q, "Copia/") for q in second.questions]
        assert len(first.questions) == 12
