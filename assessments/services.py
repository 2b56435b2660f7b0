"""Writes of the assessments app: question bank, imports, attempts, grading, regrading.

Every service is keyword-only, runs in one transaction and validates before writing. Errors a
learner or trainer can cause raise `AssessmentError` subclasses carrying a translated message
and the HTTP status a view should answer with.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.api import audit_log, outbox_enqueue
from courses.api import bump_learner_version, is_course_owner

from . import enrolments, formats, grading
from .cache import QuizDefinition, quiz_definition
from .layout import layout_entry
from .models import (
    Attempt,
    AttemptAnswer,
    Question,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
    Quiz,
)
from .rules import is_admin
from .selectors import category_descendant_ids

# Network latency between the learner's last click and the server: answers arriving this late
# after the deadline are still accepted (Moodle's "grace period").
DEADLINE_GRACE = timedelta(seconds=15)


class AssessmentError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QuizUnavailable(AssessmentError):
    status = 403


class AttemptForbidden(AssessmentError):
    status = 403


class AttemptNotFound(AttemptForbidden):
    status = 404


class AttemptClosed(AssessmentError):
    status = 409


class InvalidAnswer(AssessmentError):
    status = 400


class ImportFailed(AssessmentError):
    def __init__(self, errors: list[formats.ParseError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --- Question bank --------------------------------------------------------------------------


def category_get_or_create_path(*, path: str, course=None) -> QuestionCategory:
    """ "A/B/C" -> the category C under B under A, created as needed; the categories it
    creates belong to `course` (None: shared)."""
    names = [n.strip() for n in path.split("/") if n.strip()]
    if not names:
        raise AssessmentError(_("The category path is empty."))
    parent = None
    with transaction.atomic():
        for name in names:
            parent, _created = QuestionCategory.objects.get_or_create(
                name=name[:120], parent=parent, defaults={"course": course}
            )
    return parent


def _snapshot(question: Question, number: int) -> QuestionVersion:
    return QuestionVersion(
        question=question,
        number=number,
        qtype=question.qtype,
        stem=question.stem,
        stem_format=question.stem_format,
        points=question.points,
        general_feedback=question.general_feedback,
        data=question.data,
    )


def _version_fields_equal(version: QuestionVersion, question: Question) -> bool:
    return (
        version.qtype == question.qtype
        and version.stem == question.stem
        and version.stem_format == question.stem_format
        and Decimal(version.points) == Decimal(question.points)
        and version.general_feedback == question.general_feedback
        and version.data == question.data
    )


def question_version_sync(*, question_id: int) -> QuestionVersion:
    """Make the question's current version match its editable fields.

    An unseen version is updated in place; a version that any attempt has shown is never
    touched: a new version is created instead, so past attempts keep exactly what the learner saw.
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question_id)
        question.data = grading.validate_data(question.qtype, question.data)
        current = question.current_version
        if current is not None and _version_fields_equal(current, question):
            return current
        if current is not None and not AttemptAnswer.objects.filter(version=current).exists():
            for name in ("qtype", "stem", "stem_format", "points", "general_feedback", "data"):
                setattr(current, name, getattr(question, name))
            current.save(
                update_fields=["qtype", "stem", "stem_format", "points", "general_feedback", "data"]
            )
            return current
        number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = _snapshot(question, number)
        version.save()
        question.current_version = version
        question.save(update_fields=["current_version", "data"])
        return version


def question_create(
    *,
    category: QuestionCategory,
    title: str,
    qtype: str,
    stem: str,
    data: dict,
    stem_format: str = formats.FORMAT_MARKDOWN,
    points: Decimal | float = Decimal("1"),
    general_feedback: str = "",
    tags: list[str] | tuple = (),
    idnumber: str = "",
    user=None,
) -> Question:
    try:
        data = grading.validate_data(qtype, data)
    except grading.InvalidData as exc:
        raise AssessmentError(
            _("The answers do not fit the question type: %(error)s") % {"error": exc}
        )
    if not stem.strip() or not title.strip():
        raise AssessmentError(_("A question needs a title and a text."))
    with transaction.atomic():
        question = Question.objects.create(
            category=category,
            title=title.strip()[:255],
            qtype=qtype,
            stem=stem,
            stem_format=stem_format,
            points=Decimal(str(points)),
            general_feedback=general_feedback,
            data=data,
            idnumber=idnumber.strip()[:100],
            created_by=user,
        )
        if tags:
            question.tags.add(*tags)
            question.save()
        version = _snapshot(question, 1)
        version.save()
        question.current_version = version
        question.save(update_fields=["current_version"])
    return question


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# Questions written per round of bulk inserts: a bank of thousands is written in a few
# dozen queries, well under a request's or a task's time limit, in ONE transaction.
IMPORT_CHUNK = 500


def _import_errors(result, base: str, course) -> list[formats.ParseError]:
    """Every error of a parsed file, each with its line: the data of each question checked
    against its type before anything is written, so the report lists them all at once."""
    errors = list(result.errors)
    if not result.questions and not errors:
        errors.append(formats.ParseError(1, _("the file contains no questions")))
    for parsed in result.questions:
        # Into a course, questions with no category land in the course's default category.
        if course is None and not (base or parsed.category):
            errors.append(
                formats.ParseError(
                    parsed.line, _("no category: give one or use $CATEGORY: in the file")
                )
            )
            break
    for parsed in result.questions:
        if not (parsed.stem or "").strip() or not (parsed.title or "").strip():
            errors.append(
                formats.ParseError(parsed.line, _("A question needs a title and a text."))
            )
            continue
        try:
            parsed.data = grading.validate_data(parsed.qtype, parsed.data)
        except grading.InvalidData as exc:
            errors.append(
                formats.ParseError(
                    parsed.line,
                    _("The answers do not fit the question type: %(error)s") % {"error": exc},
                )
            )
    return sorted(errors, key=lambda e: e.line)


def _write_chunk(parsed_chunk, categories: dict, base: str, user) -> list[Question]:
    """Bulk-insert one chunk: questions, their first versions, the current-version links,
    tags and the search index (a constant number of queries per chunk)."""
    questions = [
        Question(
            category=categories["/".join(p for p in (base, parsed.category) if p)],
            title=parsed.title.strip()[:255],
            qtype=parsed.qtype,
            stem=parsed.stem,
            stem_format=parsed.stem_format,
            points=Decimal(str(parsed.points)),
            general_feedback=parsed.general_feedback,
            data=parsed.data,
            idnumber=(parsed.idnumber or "").strip()[:100],
            created_by=user,
        )
        for parsed in parsed_chunk
    ]
    Question.objects.bulk_create(questions)
    versions = QuestionVersion.objects.bulk_create([_snapshot(q, 1) for q in questions])
    for question, version in zip(questions, versions, strict=True):
        question.current_version = version
    Question.objects.bulk_update(questions, ["current_version"])
    tagged = [(q, p.tags) for q, p in zip(questions, parsed_chunk, strict=True) if p.tags]
    if tagged:
        from taggit.models import Tag

        names = {tag[:100] for _q, tags in tagged for tag in tags}
        by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        for name in names - set(by_name):
            by_name[name] = Tag.objects.create(name=name)
        QuestionTag.objects.bulk_create(
            [
                QuestionTag(content_object=q, tag=by_name[tag[:100]])
                for q, tags in tagged
                for tag in dict.fromkeys(tags)
            ]
        )
    return questions


def _course_default_category(course) -> QuestionCategory:
    """The course's own top-level category, named after the course and created on first use
    (Moodle's "Default for <course>"): where `$CATEGORY:` paths of an import into the course
    start when no base category is given. A top-level name is unique in the whole bank, so
    when the course's title is taken by a shared or another course's category, the course id
    is added to it."""
    title = " ".join(course.title.replace("/", "-").split())[:100] or str(course.pk)
    for name in (title, f"{title} ({course.pk})"):
        category, _created = QuestionCategory.objects.get_or_create(
            parent=None, name=name, defaults={"course": course}
        )
        if category.course_id == course.pk:
            return category
    raise AssessmentError(
        _("The course “%(course)s” has no category of its own for imported questions.")
        % {"course": course.title}
    )


def _course_category_path(
    *, course, parent: QuestionCategory | None, names: list[str], line: int
) -> QuestionCategory:
    """The category `names` under `parent`, each step chosen when it is the course's own and
    created for the course when missing. A step that is shared or another course's refuses the
    import (the transaction rolls back whatever this import created): an import into a
    course never writes into a category that is not the course's."""
    for name in names:
        parent, _created = QuestionCategory.objects.get_or_create(
            parent=parent, name=name[:120], defaults={"course": course}
        )
        if parent.course_id != course.pk:
            raise ImportFailed(
                [
                    formats.ParseError(
                        line,
                        _(
                            "the category “%(category)s” is shared or belongs to another course: "
                            "questions imported into the course “%(course)s” go only into its "
                            "own categories"
                        )
                        % {"category": parent.path_name, "course": course.title},
                    )
                ]
            )
    return parent


def _categories_in_course(result, base: str, course) -> dict[str, QuestionCategory]:
    """Moodle's rule for an import into a course: the base category (chosen or created as
    the course's) or else the course's default category anchors every `$CATEGORY: a/b` of
    the file, so the file's paths never reach a shared or another course's category."""
    if base:
        anchor = _course_category_path(course=course, parent=None, names=base.split("/"), line=1)
    else:
        anchor = _course_default_category(course)
    categories: dict[str, QuestionCategory] = {}
    for parsed in result.questions:
        path = "/".join(p for p in (base, parsed.category) if p)
        if path not in categories:
            names = parsed.category.split("/") if parsed.category else []
            categories[path] = _course_category_path(
                course=course, parent=anchor, names=names, line=parsed.line
            )
    return categories


def _categories_by_path(result, base: str, user) -> dict[str, QuestionCategory]:
    """Without a course (administrators, the management command): paths from the top of the
    bank, each category one the user may edit."""
    categories: dict[str, QuestionCategory] = {}
    for parsed in result.questions:
        path = "/".join(p for p in (base, parsed.category) if p)
        if path in categories:
            continue
        categories[path] = category_get_or_create_path(path=path)
        if user is not None and not user.has_perm("assessments.edit_bank_item", categories[path]):
            raise ImportFailed(
                [
                    formats.ParseError(
                        parsed.line,
                        _(
                            "you cannot add questions to the category “%(category)s”: "
                            "it belongs to another course or is shared"
                        )
                        % {"category": path},
                    )
                ]
            )
    return categories


def questions_index(*, question_ids: list[int]) -> int:
    """Add imported questions to the search index (a task, after the import's commit: on
    PostgreSQL the index took three quarters of a 3,000-question import's time)."""
    from wagtail.search.backends import get_search_backend

    questions = list(Question.objects.filter(pk__in=question_ids))
    if questions:
        get_search_backend().add_bulk(Question, questions)
    return len(questions)


def questions_import_preview(
    *, text: str, fmt: str, category_path: str = "", course=None
) -> formats.ParseResult:
    """The parsed file with every error the import itself would raise (no category, answers
    that do not fit the type), so the preview shows them before the confirm step instead of
    the confirm step failing. Writes nothing."""
    result = formats.parse(text, fmt=fmt)
    result.errors = _import_errors(result, formats.clean_category_path(category_path), course)
    return result


def questions_import(
    *,
    text: str,
    fmt: str,
    category_path: str = "",
    user=None,
    course=None,
    on_progress=None,
) -> ImportReport:
    """Import a GIFT or Aiken file: all of it or nothing.

    Into a `course` (Moodle's rule): the user must own it (or be an administrator), else
    AssessmentError and nothing written; the file's `$CATEGORY: a/b` paths are chosen or
    created under `category_path` (itself the course's or created for it) or, without one,
    under the course's default category, and every category they reach is the course's:
    a shared or another course's category on the way refuses the import. Without a course,
    paths start at the top of the bank and are created shared; with a `user`, every category
    that receives questions must be one they may edit (assessments.rules). Every error (with its line number) raises
    ImportFailed before anything is written. The questions are then written in chunks of
    IMPORT_CHUNK by bulk inserts inside one transaction (the search index follows by one task
    per chunk after commit): a file of thousands of questions is imported in seconds, and a
    failure at any chunk (the database gone, a worker killed)
    leaves the bank as it was. `on_progress(done, total)` is called after each chunk (the
    management command prints it).
    """
    if "\x00" in text or "\x00" in category_path:
        # PostgreSQL cannot store NUL in text: refuse the file before anything else.
        line = text[: text.find("\x00")].count("\n") + 1 if "\x00" in text else 1
        raise ImportFailed(
            [formats.ParseError(line, _("the file contains a NUL character, which is not text"))]
        )
    if (
        course is not None
        and user is not None
        and not (is_admin(user) or is_course_owner(user=user, course=course))
    ):
        raise AssessmentError(
            _(
                "You cannot import questions into the course “%(course)s”: only its owners "
                "(and administrators) may."
            )
            % {"course": course.title}
        )
    result = formats.parse(text, fmt=fmt)
    base = formats.clean_category_path(category_path)
    errors = _import_errors(result, base, course)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport()
    total = len(result.questions)
    with transaction.atomic():
        if course is not None:
            categories = _categories_in_course(result, base, course)
        else:
            categories = _categories_by_path(result, base, user)
        for start in range(0, total, IMPORT_CHUNK):
            chunk = result.questions[start : start + IMPORT_CHUNK]
            written = _write_chunk(chunk, categories, base, user)
            report.questions.extend(written)
            # Indexed by a task after commit (nothing to index if the import rolls back).
            outbox_enqueue(
                task_name="assessments.tasks.questions_index",
                kwargs={"question_ids": [q.pk for q in written]},
            )
            for parsed in chunk:
                report.counts[parsed.qtype] = report.counts.get(parsed.qtype, 0) + 1
            if on_progress is not None:
                on_progress(min(start + IMPORT_CHUNK, total), total)
        if user is not None and report.questions:
            audit_log(
                instance=categories[next(iter(categories))],
                action="assessments.questions_imported",
                user=user,
                data={"format": fmt, "counts": report.counts},
            )
    return report


# --- Attempts -------------------------------------------------------------------------------


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _format_when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _check_can_start(quiz: Quiz, history: enrolments.StartHistory, now: datetime) -> None:
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizUnavailable(
            _("This quiz opens on %(when)s.") % {"when": _format_when(quiz.opens_at)}
        )
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizUnavailable(
            _("This quiz closed on %(when)s.") % {"when": _format_when(quiz.closes_at)}
        )
    if not history.enrolled:
        raise QuizUnavailable(_("Enrol in the course to take this quiz."))
    if quiz.max_attempts and history.finished >= quiz.max_attempts:
        raise QuizUnavailable(
            _("You have used all %(count)s attempts allowed for this quiz.")
            % {"count": quiz.max_attempts}
        )
    if quiz.cooldown_minutes:
        last = history.last_submitted_at
        if last and now < last + timedelta(minutes=quiz.cooldown_minutes):
            raise QuizUnavailable(
                _("You can start a new attempt on %(when)s.")
                % {"when": _format_when(last + timedelta(minutes=quiz.cooldown_minutes))}
            )


def _draw_versions(definition: QuizDefinition, rng: random.Random) -> list[QuestionVersion]:
    quiz = definition.quiz
    versions = list(definition.fixed_versions)
    used = {v.question_id for v in versions}
    if definition.has_random_slots:
        for slot in quiz.random_slots.order_by("sort_order", "pk"):
            categories = (
                category_descendant_ids([slot.category_id])
                if slot.include_subcategories
                else {slot.category_id}
            )
            candidates = list(
                Question.objects.filter(category_id__in=categories, current_version__isnull=False)
                .exclude(pk__in=used)
                .values_list("pk", flat=True)
            )
            if len(candidates) < slot.count:
                raise QuizUnavailable(
                    _(
                        "This quiz is not ready: a random draw needs more questions. Please tell the trainer."
                    )
                )
            chosen = rng.sample(sorted(candidates), slot.count)
            used.update(chosen)
            drawn = {
                q.pk: q.current_version
                for q in Question.objects.filter(pk__in=chosen).select_related("current_version")
            }
            versions.extend(drawn[pk] for pk in chosen)
    if not versions:
        raise QuizUnavailable(_("This quiz has no questions yet."))
    return versions


def attempt_start(
    *, quiz_id: int, user, now: datetime | None = None, seed: int | None = None
) -> Attempt:
    """Start an attempt, or return the learner's open one (idempotent: a double click or two
    tabs give the same attempt). Freezes the questions, their versions and the order.

    An exam's synchronized start runs this for every learner at once, so it asks the database
    only what is the learner's own: the quiz and its questions come from the cached definition
    (assessments.cache), the enrolment and the previous attempts in one query, then the two
    inserts. No lock: the one-open-attempt constraint decides between two simultaneous starts."""
    now = now or timezone.now()
    definition = quiz_definition(quiz_id)
    quiz = definition.quiz
    history = enrolments.start_history(quiz=quiz, user=user)
    if history.open_uuid is not None:
        existing = Attempt.objects.get(uuid=history.open_uuid)
        if existing.deadline and now > existing.deadline + DEADLINE_GRACE:
            attempt_submit(attempt_uuid=existing.uuid, now=now, by_timeout=True)
            history = enrolments.start_history(quiz=quiz, user=user)
        else:
            existing.quiz = quiz
            return existing
    _check_can_start(quiz, history, now)
    rng = random.Random(seed)
    versions = _draw_versions(definition, rng)
    if quiz.shuffle_questions:
        rng.shuffle(versions)
    layout = [
        layout_entry(i, v, shuffle=quiz.shuffle_choices, rng=rng) for i, v in enumerate(versions)
    ]
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                learner=user,
                number=history.max_number + 1,
                started_at=now,
                deadline=deadline,
                layout=layout,
                max_points=sum((Decimal(v.points) for v in versions), Decimal("0")),
            )
            AttemptAnswer.objects.bulk_create(
                AttemptAnswer(attempt=attempt, slot=i, version=v) for i, v in enumerate(versions)
            )
    except IntegrityError:
        # Another request started one at the same moment: the database let only one through.
        return Attempt.objects.get(quiz=quiz, learner=user, state=Attempt.State.IN_PROGRESS)
    return attempt


Responses = dict[int, dict | None] | Callable[[Attempt, list[AttemptAnswer]], dict]


def _load_for_update(attempt_uuid, user) -> tuple[Attempt, list[AttemptAnswer]]:
    """The attempt, locked, with its answers and their versions: one query that locks the
    attempt row only (`of`), never the quiz nor the versions every other learner reads."""
    answers = list(
        AttemptAnswer.objects.select_related("attempt", "version")
        .select_for_update(of=("attempt",))
        .filter(attempt__uuid=attempt_uuid)
        .order_by("slot")
    )
    if not answers:
        raise AttemptNotFound(_("This attempt does not exist."))
    attempt = answers[0].attempt
    for answer in answers:
        answer.attempt = attempt
    if user is not None and attempt.learner_id != user.pk:
        raise AttemptForbidden(_("This attempt belongs to someone else."))
    attempt.quiz = quiz_definition(attempt.quiz_id).quiz
    return attempt, answers


def _check_accepts_answers(attempt: Attempt, now: datetime) -> None:
    if not attempt.is_open:
        raise AttemptClosed(_("This attempt has already been submitted."))
    if attempt.deadline and now > attempt.deadline + DEADLINE_GRACE:
        raise AttemptClosed(_("The time for this attempt is over: answers are no longer accepted."))


def _apply_responses(
    attempt: Attempt, answers: list[AttemptAnswer], responses: Responses, now: datetime
) -> list[AttemptAnswer]:
    """Clean the responses into the answers (in memory); returns the answers that changed.
    `responses` maps slot numbers to raw responses (None clears), or is a function of the
    locked attempt and its answers that returns them (the attempt form, read under the lock)."""
    if callable(responses):
        responses = responses(attempt, answers)
    by_slot = {a.slot: a for a in answers}
    changed = []
    for slot, raw in responses.items():
        answer = by_slot.get(slot)
        if answer is None:
            raise InvalidAnswer(_("A question that is not part of this attempt was sent."))
        try:
            cleaned = grading.clean_response(answer.version.qtype, answer.version.data, raw)
        except grading.InvalidResponse:
            raise InvalidAnswer(
                _("The answer to question %(number)s does not belong to that question.")
                % {"number": slot + 1}
            )
        if cleaned != answer.response:
            answer.response = cleaned
            answer.response_key = grading.response_key(answer.version.qtype, cleaned)
            answer.autosaved_at = now
            changed.append(answer)
    return changed


def attempt_save_answers(*, attempt_uuid, user, responses: Responses, now=None) -> Attempt:
    """Save (autosave) answers. `responses` maps slot numbers to raw responses (None clears),
    or is a function of the locked attempt and its answers returning that mapping.

    Refused, with nothing written: another learner's attempt, a submitted attempt, after the
    deadline, a slot not in the attempt, a choice or pair of another question. Locks only this
    attempt's row: two learners of one quiz never wait on each other.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt, answers = _load_for_update(attempt_uuid, user)
        _check_accepts_answers(attempt, now)
        changed = _apply_responses(attempt, answers, responses, now)
        if changed:
            AttemptAnswer.objects.bulk_update(changed, ["response", "response_key", "autosaved_at"])
    return attempt


def _grade_answers(attempt: Attempt, answers: list[AttemptAnswer]) -> None:
    """Grade in memory: sets each answer's fraction and points and the attempt's totals.
    The caller writes them (one bulk update, whatever the number of questions)."""
    points_by_slot = {entry["slot"]: Decimal(entry["points"]) for entry in attempt.layout}
    total = Decimal("0")
    for answer in answers:
        result = grading.grade(answer.version.qtype, answer.version.data, answer.response)
        answer.fraction = result.fraction
        answer.points = _quantize(
            points_by_slot.get(answer.slot, Decimal(answer.version.points))
            * Decimal(str(result.fraction))
        )
        total += answer.points
    attempt.max_points = sum(points_by_slot.values(), Decimal("0"))
    attempt.points = _quantize(total)
    attempt.score = (
        (total / attempt.max_points * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if attempt.max_points
        else Decimal("0")
    )
    attempt.passed = attempt.score >= attempt.quiz.pass_mark


def attempt_submit(
    *,
    attempt_uuid,
    user=None,
    now=None,
    by_timeout: bool = False,
    responses: Responses | None = None,
) -> tuple[Attempt, bool]:
    """Grade and close an attempt. Idempotent: a second call (double click, second tab, retry,
    the expiry task racing the learner) returns the attempt unchanged and False.

    With `responses` (the attempt form's last page), they are saved first under the same lock,
    with the same refusals as `attempt_save_answers` (a closed attempt raises AttemptClosed).
    A pass re-evaluates the course's completion in this transaction, locking only the
    enrolment row; the certificate and the e-mails follow after commit through the outbox."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt, answers = _load_for_update(attempt_uuid, user)
        fields = ["fraction", "points"]
        if responses is not None:
            _check_accepts_answers(attempt, now)
            if _apply_responses(attempt, answers, responses, now):
                fields += ["response", "response_key", "autosaved_at"]
        elif not attempt.is_open:
            return attempt, False
        _grade_answers(attempt, answers)
        AttemptAnswer.objects.bulk_update(answers, fields)
        attempt.state = Attempt.State.SUBMITTED
        late = attempt.deadline and now > attempt.deadline
        attempt.submitted_at = min(now, attempt.deadline) if late else now
        attempt.submitted_by_timeout = by_timeout
        attempt.save(
            update_fields=[
                "state",
                "submitted_at",
                "submitted_by_timeout",
                "points",
                "max_points",
                "score",
                "passed",
            ]
        )
        if attempt.passed:
            enrolments.quiz_passed(attempt=attempt)
    return attempt, True


def attempts_expire_overdue(*, now: datetime | None = None) -> int:
    """Submit every open attempt whose deadline (plus grace) has passed. Returns how many."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=now - DEADLINE_GRACE
    ).values_list("uuid", flat=True)
    count = 0
    for attempt_uuid in list(overdue[:5000]):
        _attempt, submitted = attempt_submit(attempt_uuid=attempt_uuid, now=now, by_timeout=True)
        count += submitted
    return count


def _compatible(old: QuestionVersion, new: QuestionVersion) -> bool:
    if old.qtype != new.qtype:
        return False
    if old.qtype in grading.CHOICE_TYPES:
        return {c["id"] for c in old.data["choices"]} == {c["id"] for c in new.data["choices"]}
    if old.qtype == grading.MATCHING:
        return {p["id"] for p in old.data["pairs"]} == {p["id"] for p in new.data["pairs"]} and len(
            grading.matching_rights(old.data)
        ) == len(grading.matching_rights(new.data))
    return True


def quiz_regrade(*, quiz_id: int, user=None, to_latest_version: bool = True) -> int:
    """Grade every submitted attempt again. With `to_latest_version`, answers move to the
    question's current version when it is compatible (same type and same choice ids), so a
    trainer who fixed a wrong key sees the fix applied. Returns the number of attempts whose
    score changed."""
    changed = 0
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().get(pk=quiz_id)
        attempts = list(
            Attempt.objects.select_for_update(of=("self",))
            .filter(quiz=quiz, state=Attempt.State.SUBMITTED)
            .select_related("quiz")
        )
        answers = list(
            AttemptAnswer.objects.filter(attempt__in=attempts).select_related(
                "version__question__current_version"
            )
        )
        by_attempt: dict[int, list[AttemptAnswer]] = {}
        moved = []
        for answer in answers:
            latest = answer.version.question.current_version
            if (
                to_latest_version
                and latest
                and latest.pk != answer.version_id
                and _compatible(answer.version, latest)
            ):
                answer.version = latest
                moved.append(answer)
            by_attempt.setdefault(answer.attempt_id, []).append(answer)
        to_save = []
        for attempt in attempts:
            before = (attempt.score, attempt.passed)
            if moved:
                versions = {a.slot: a.version for a in by_attempt.get(attempt.pk, [])}
                for entry in attempt.layout:
                    if entry["slot"] in versions and versions[entry["slot"]].pk != entry["version"]:
                        entry["version"] = versions[entry["slot"]].pk
                        entry["points"] = str(versions[entry["slot"]].points)
            _grade_answers(attempt, by_attempt.get(attempt.pk, []))
            if (attempt.score, attempt.passed) != before:
                changed += 1
            to_save.append(attempt)
        AttemptAnswer.objects.bulk_update(
            answers, ["version", "fraction", "points"], batch_size=1000
        )
        Attempt.objects.bulk_update(
            to_save, ["layout", "points", "max_points", "score", "passed"], batch_size=1000
        )
        for learner_id in {attempt.learner_id for attempt in to_save}:
            bump_learner_version(user_id=learner_id)  # bulk_update sends no post_save
        for attempt in to_save:
            if attempt.passed:
                enrolments.quiz_passed(attempt=attempt)
        if user is not None:
            audit_log(
                instance=quiz,
                action="assessments.quiz_regraded",
                user=user,
                data={"attempts": len(attempts), "changed": changed},
            )
    return changed
