import pytest

from courses import hooks
from courses.hooks import course_completed
from courses.models import CoursePage, Enrolment, LessonPage
from courses.services import completion_evaluate, enrolment_create, lesson_complete

from .factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed_signals():
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, dispatch_uid="test-completion")
    yield received
    course_completed.disconnect(dispatch_uid="test-completion")


@pytest.fixture
def requirement():
    """Register a completion requirement for the test only."""
    registered = []

    def register(name, func):
        hooks.register_requirement(name, func)
        registered.append(name)

    yield register
    for name in registered:
        hooks._requirements.pop(name, None)


def _complete_all(enrolment, learner):
    for lesson in LessonPage.objects.child_of(enrolment.course).live():
        enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)
    return enrolment


def test_completion_is_idempotent_and_sends_the_event_once(learner, course, completed_signals):
    enrolment = enrolment_create(learner=learner, course=course)
    enrolment = _complete_all(enrolment, learner)
    completed_at = enrolment.completed_at
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completed_at is not None
    again = completion_evaluate(enrolment_id=enrolment.pk)
    again = completion_evaluate(enrolment_id=enrolment.pk)
    lesson = LessonPage.objects.child_of(course).first()
    lesson_complete(enrolment=again, lesson=lesson, user=learner)
    again.refresh_from_db()
    assert completed_signals == [enrolment.pk]
    assert again.completed_at == completed_at


def test_a_requirement_not_met_keeps_the_enrolment_active(learner, requirement, completed_signals):
    course = make_course(
        title="Con evaluación",
        lessons=2,
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES,
    )
    requirement("quiz-passed", lambda enrolment: False)
    enrolment = _complete_all(enrolment_create(learner=learner, course=course), learner)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.progress_percent == 100
    assert enrolment.completed_at is None
    assert completed_signals == []


def test_requirements_do_not_apply_to_all_lessons_rule(learner, course, requirement):
    requirement("quiz-passed", lambda enrolment: False)
    enrolment = _complete_all(enrolment_create(learner=learner, course=course), learner)
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_requirement_met_later_completes_on_reevaluation(learner, requirement, completed_signals):
    course = make_course(
        title="Con evaluación",
        lessons=1,
        completion_rule=CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES,
    )
    passed = {"value": False}
    requirement("quiz-passed", lambda enrolment: passed["value"])
    enrolment = _complete_all(enrolment_create(learner=learner, course=course), learner)
    assert enrolment.status == Enrolment.Status.ACTIVE
    passed["value"] = True
    enrolment = completion_evaluate(enrolment_id=enrolment.pk)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completed_signals == [enrolment.pk]


def test_a_failing_signal_receiver_rolls_the_completion_back(learner, course):
    def broken(sender, enrolment, **kwargs):
        raise RuntimeError("certificate outbox unavailable")

    course_completed.connect(broken, dispatch_uid="test-broken")
    try:
        enrolment = enrolment_create(learner=learner, course=course)
        lessons = list(LessonPage.objects.child_of(course).live())
        for lesson in lessons[:-1]:
            enrolment = lesson_complete(enrolment=enrolment, lesson=lesson, user=learner)
        with pytest.raises(RuntimeError):
            lesson_complete(enrolment=enrolment, lesson=lessons[-1], user=learner)
    finally:
        course_completed.disconnect(dispatch_uid="test-broken")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.completed_at is None
