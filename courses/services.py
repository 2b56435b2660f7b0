"""Writes of the courses app: enrolment, progress and completion. Each is one transaction."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import audit_log, page_revisions_update

from .cache import bump_learner_version
from .hooks import course_completed, requirements
from .models import CoursePage, Enrolment, LessonPage, LessonProgress

User = get_user_model()


def course_is_visible_to(*, course: CoursePage, user) -> bool:
    return course.is_visible_to(user)


def _missing_prerequisites(*, learner, course: CoursePage) -> list[CoursePage]:
    required = list(course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrolment.objects.filter(
            learner=learner, course__in=required, status=Enrolment.Status.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in done]


@transaction.atomic
def enrolment_create(
    *,
    learner,
    course: CoursePage,
    source: str = Enrolment.Source.SELF,
    due_date: date | None = None,
    assigned_by=None,
    check_prerequisites: bool = True,
) -> Enrolment:
    """Enrol a learner, or return their active enrolment (an assignment updates its due date).

    Self-enrolment requires a visible course and completed prerequisites; an assignment by HR
    skips the prerequisite check only when `check_prerequisites` is False.
    """
    if not course_is_visible_to(course=course, user=learner):
        raise PermissionDenied(_("This course is not available."))
    existing = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course=course, status=Enrolment.Status.ACTIVE)
        .first()
    )
    if existing is not None:
        if source == Enrolment.Source.ASSIGNED and due_date and existing.due_date != due_date:
            existing.due_date = due_date
            existing.source = Enrolment.Source.ASSIGNED
            existing.assigned_by = assigned_by
            existing.save(update_fields=["due_date", "source", "assigned_by"])
        return existing
    if check_prerequisites:
        missing = _missing_prerequisites(learner=learner, course=course)
        if missing:
            raise ValidationError(
                _("Complete these courses first: %(courses)s")
                % {"courses": ", ".join(c.title for c in missing)},
                code="prerequisites",
            )
    last_cycle = (
        Enrolment.objects.filter(learner=learner, course=course)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    if last_cycle is not None and source == Enrolment.Source.SELF:
        previous = Enrolment.objects.get(learner=learner, course=course, cycle=last_cycle)
        if previous.status == Enrolment.Status.COMPLETED:
            # Completed courses are revisited, not restarted, unless someone assigns a renewal.
            return previous
    enrolment = Enrolment.objects.create(
        learner=learner,
        course=course,
        cycle=(last_cycle or 0) + 1,
        source=source,
        due_date=due_date,
        assigned_by=assigned_by,
    )
    if source == Enrolment.Source.ASSIGNED:
        audit_log(
            instance=enrolment,
            action="relevo.course_assigned",
            user=assigned_by,
            data={"learner": learner.pk, "course": course.pk, "due_date": str(due_date or "")},
        )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, user) -> Enrolment:
    if enrolment.learner_id != user.pk:
        raise PermissionDenied(_("You can only leave your own courses."))
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("This enrolment is not active."))
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


def course_lesson_ids(course: CoursePage) -> list[int]:
    return list(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))


def _refresh_progress(enrolment: Enrolment, course: CoursePage) -> tuple[int, int]:
    """(percent of the course's live lessons completed, number of live lessons): one query."""
    done = list(
        LessonPage.objects.child_of(course)
        .live()
        .annotate(
            done=Exists(
                LessonProgress.objects.filter(
                    enrolment_id=enrolment.pk, lesson_id=OuterRef("pk"), completed_at__isnull=False
                )
            )
        )
        .values_list("done", flat=True)
    )
    if not done:
        return 0, 0
    return round(100 * sum(done) / len(done)), len(done)


def lesson_visit(*, enrolment: Enrolment, lesson: LessonPage, visited: bool = False) -> None:
    """Remember where the learner is, to resume there. `visited`: the caller already knows the
    learner opened this lesson before (its progress row exists), so that a revisit of the
    lesson they are on writes nothing."""
    if visited and enrolment.last_lesson_id == lesson.pk:
        return
    with transaction.atomic():
        if not visited:
            LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        if enrolment.last_lesson_id != lesson.pk:
            Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
            enrolment.last_lesson = lesson
            bump_learner_version(enrolment.learner_id)  # "continue where you left off"


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson: LessonPage, user) -> Enrolment:
    if enrolment.learner_id != user.pk:
        raise PermissionDenied(_("You can only record your own progress."))
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(_("You left this course; enrol again to continue."))
    if not LessonPage.objects.child_of(enrolment.course).filter(pk=lesson.pk).exists():
        raise ValidationError(_("This lesson does not belong to the course."))
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    return completion_evaluate(enrolment_id=enrolment.pk)


# No savepoint of its own: inside a submit or a lesson completion it is part of that
# transaction (an error aborts both), and a savepoint would only cost two more statements.
@transaction.atomic(savepoint=False)
def completion_evaluate(*, enrolment_id: int) -> Enrolment:
    """Recompute progress and record completion once, when the course's rule is met.

    Idempotent: a completed enrolment stays completed with its original date, and
    `course_completed` is sent only on the transition, inside this transaction. Locks the
    enrolment row only (`of`): never the course page every other learner reads.
    """
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrolment_id)
    )
    return _evaluate(enrolment)


@transaction.atomic(savepoint=False)
def completion_evaluate_active(*, learner_id: int, course_id: int) -> Enrolment | None:
    """`completion_evaluate` of the learner's active enrolment in the course (None when there
    is none), found and locked in one query."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(learner_id=learner_id, course_id=course_id, status=Enrolment.Status.ACTIVE)
        .order_by("-cycle")
        .first()
    )
    return _evaluate(enrolment) if enrolment is not None else None


def _evaluate(enrolment: Enrolment) -> Enrolment:
    course = enrolment.course
    percent, lesson_count = _refresh_progress(enrolment, course)
    if enrolment.status != Enrolment.Status.ACTIVE:
        if enrolment.progress_percent != percent and enrolment.status == Enrolment.Status.WITHDRAWN:
            enrolment.progress_percent = percent
            enrolment.save(update_fields=["progress_percent"])
        return enrolment
    lessons_done = bool(lesson_count) and percent == 100
    rule_met = lessons_done
    if rule_met and course.completion_rule == CoursePage.CompletionRule.ALL_LESSONS_AND_QUIZZES:
        rule_met = all(check(enrolment) for check in requirements().values())
    fields = []
    if enrolment.progress_percent != percent:
        enrolment.progress_percent = percent
        fields.append("progress_percent")
    if rule_met:
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
    if fields:
        enrolment.save(update_fields=fields)
    if rule_met:
        course_completed.send(sender=Enrolment, enrolment=enrolment)
    return enrolment


@transaction.atomic
def course_owners_replace(*, course_id: int, old_user_id: int, new_user_id: int) -> None:
    """Hand a course from one owner to another (a knowledge-base handover): the live page and
    its latest and live revisions, so that the next edit or publish keeps the new owner."""
    through = CoursePage.owners.through
    rows = through.objects.filter(coursepage_id=course_id)
    if rows.filter(user_id=new_user_id).exists():
        rows.filter(user_id=old_user_id).delete()
    else:
        rows.filter(user_id=old_user_id).update(user_id=new_user_id)

    successor = get_user_model().objects.get(pk=new_user_id)

    def change(course: CoursePage) -> None:
        # Instances, not ids: modelcluster writes a list of ids straight to the live table.
        kept = [user for user in course.owners.all() if user.pk not in (old_user_id, new_user_id)]
        course.owners.set([*kept, successor])

    page_revisions_update(page=CoursePage(pk=course_id), change=change)
