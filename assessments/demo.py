"""Demo question banks and final quizzes, one per demo course; the demo learner has one failed
and one passed attempt. Idempotent: a second run changes nothing."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from core.api import demo_user
from courses import api as courses_api

from . import grading, services
from .models import Attempt, QuestionCategory, Quiz, QuizRandomSlot
from .selectors import category_descendant_ids

HERE = Path(__file__).resolve().parent
DEMO_ROOT = "Demo"
LEARNER = "funcionario@relevo.demo"
TRAINER = "capacitador@relevo.demo"

# (words that identify the course by title, bank category, GIFT files, quiz title)
BANKS = [
    (
        ("interoperab", "movilidad"),
        "Interoperabilidad",
        [HERE / "demo_banks" / "interoperabilidad.gift"],
        "Evaluación final: interoperabilidad y movilidad humana",
    ),
    (
        ("seguridad", "egsi", "ciberseguridad"),
        "EGSI",
        [HERE / "samples" / "egsi_preguntas.gift", HERE / "demo_banks" / "seguridad_extra.gift"],
        "Evaluación final: seguridad de la información (EGSI)",
    ),
    (
        ("gobierno abierto", "gobierno electrónico", "datos abiertos"),
        "Gobierno abierto",
        [HERE / "demo_banks" / "gobierno_abierto.gift"],
        "Evaluación final: gobierno abierto y gobierno electrónico",
    ),
]
QUESTIONS_PER_QUIZ = 10


def _find_course(words):
    for course in courses_api.live_courses().order_by("pk"):
        title = course.title.lower()
        if any(word in title for word in words):
            return course
    return None


def _bank_category(name: str) -> QuestionCategory:
    root = QuestionCategory.objects.filter(name=DEMO_ROOT, parent=None).first()
    category = QuestionCategory.objects.filter(name=name, parent=root).first() if root else None
    if category is None or (not category.questions.exists() and not category.children.exists()):
        for path in BANK_FILES[name]:
            services.questions_import(
                text=path.read_text(encoding="utf-8"), fmt="gift", category_path=DEMO_ROOT
            )
        category = QuestionCategory.objects.get(
            name=name, parent__name=DEMO_ROOT, parent__parent=None
        )
    return category


BANK_FILES = {name: files for _words, name, files, _title in BANKS}


def _quiz(title, category, course, trainer) -> Quiz:
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=title,
            description="Responda las preguntas con calma: puede guardar y volver más tarde.",
            course=course,
            pass_mark=70,
            time_limit_minutes=30,
            max_attempts=3,
            shuffle_questions=True,
            shuffle_choices=True,
            review_show_correct=True,
            review_show_feedback=True,
            required_for_completion=True,
            created_by=trainer,
        )
        QuizRandomSlot.objects.create(
            quiz=quiz, category=category, count=QUESTIONS_PER_QUIZ, include_subcategories=True
        )
    elif quiz.course_id is None and course is not None:
        quiz.course = course
        quiz.save(update_fields=["course"])
    return quiz


def _take(quiz, learner, *, right_share: float, when) -> Attempt:
    attempt = services.attempt_start(quiz_id=quiz.pk, user=learner, now=when, seed=quiz.pk)
    answers = list(attempt.answers.select_related("version"))
    right = round(len(answers) * right_share)
    responses = {
        a.slot: grading.correct_response(a.version.qtype, a.version.data) for a in answers[:right]
    }
    services.attempt_save_answers(
        attempt_uuid=attempt.uuid, user=learner, responses=responses, now=when
    )
    attempt, _submitted = services.attempt_submit(
        attempt_uuid=attempt.uuid, user=learner, now=when + timedelta(minutes=12)
    )
    return attempt


def seed(stdout) -> None:
    learner = demo_user(email=LEARNER)
    trainer = demo_user(email=TRAINER)
    quizzes = []
    for words, name, _files, title in BANKS:
        category = _bank_category(name)
        course = _find_course(words)
        if course is not None:
            # Each bank belongs to its course: its trainers own the questions and answers.
            QuestionCategory.objects.filter(
                pk__in=category_descendant_ids([category.pk]), course__isnull=True
            ).update(course=course)
        quizzes.append(_quiz(title, category, course, trainer))
    stdout.write(f"Assessments: {len(quizzes)} demo quizzes, banks under '{DEMO_ROOT}/'")

    quiz = next((q for q in quizzes if q.course_id), quizzes[0])
    if Attempt.objects.filter(quiz=quiz, learner=learner).exists():
        return
    if quiz.course_id:
        courses_api.enrolment_create(learner=learner, course=quiz.course, check_prerequisites=False)
    now = timezone.now()
    failed = _take(quiz, learner, right_share=0.4, when=now - timedelta(days=3))
    passed = _take(quiz, learner, right_share=0.9, when=now - timedelta(days=1))
    stdout.write(
        f"  {LEARNER}: «{quiz.title}» attempt 1 {failed.score}% (failed), attempt 2 {passed.score}% (passed)"
    )
