"""Learner pages (quiz, attempt, result) and trainer reports. Thin: validate, call, render."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.api import Role, csv_response, has_role

from . import presentation, selectors, services
from .cache import quiz_definition
from .forms import InvalidPost, responses_from_post
from .item_statistics import quiz_item_statistics
from .models import Attempt, QuestionType, Quiz

MANAGE_PERMISSION = "assessments.manage_quiz"
DRAFT_QUIZ_MESSAGE = gettext_lazy(
    "This quiz is not part of any course yet: only its author can preview it."
)


def _error_page(
    request, error: services.AssessmentError, *, back_url: str, status: int | None = None
):
    return render(
        request,
        "assessments/error.html",
        {"message": error.message, "back_url": back_url},
        status=status or error.status,
    )


def _own_attempt(request, attempt_uuid) -> Attempt:
    try:
        attempt = selectors.attempt_with_answers(attempt_uuid)
    except Attempt.DoesNotExist:
        raise Http404
    if attempt.learner_id != request.user.pk:
        raise PermissionDenied(_("This attempt belongs to someone else."))
    return attempt


# --- Learner ------------------------------------------------------------------------------


@login_required
@require_GET
def my_quizzes(request):
    """The quizzes of the courses the learner is enrolled in, with their grade so far."""
    rows = selectors.learner_quiz_rows(user=request.user)
    return render(request, "assessments/my_quizzes.html", {"rows": rows})


@login_required
@require_GET
def quiz_detail(request, quiz_id: int):
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    if not request.user.has_perm("assessments.start_quiz", quiz):
        raise PermissionDenied(DRAFT_QUIZ_MESSAGE)
    attempts = list(selectors.learner_attempts(quiz=quiz, user=request.user))
    open_attempt = next((a for a in attempts if a.is_open), None)
    scores = [a.score for a in attempts if not a.is_open]
    grade = selectors.quiz_grade(quiz, scores)
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "open_attempt": open_attempt,
            "grade": grade,
            "passed": grade is not None and grade >= float(quiz.pass_mark),
            "can_manage": request.user.has_perm(MANAGE_PERMISSION, quiz),
        },
    )


@login_required
@require_POST
def attempt_start(request, quiz_id: int):
    # The cached definition (assessments.cache): a synchronized exam start reads no quiz row.
    try:
        quiz = quiz_definition(quiz_id).quiz
    except Quiz.DoesNotExist:
        raise Http404
    if not request.user.has_perm("assessments.start_quiz", quiz):
        return _error_page(
            request,
            services.QuizUnavailable(DRAFT_QUIZ_MESSAGE),
            back_url=reverse("assessments:mine"),
        )
    try:
        attempt = services.attempt_start(quiz_id=quiz.pk, user=request.user)
    except services.AssessmentError as error:
        return _error_page(request, error, back_url=reverse("assessments:quiz", args=[quiz.pk]))
    return redirect("assessments:attempt", attempt_uuid=attempt.uuid)


def _form_responses(post):
    """The attempt form read under the attempt's lock (services call it with the locked
    attempt and its answers): tokens map back to this attempt's options only."""
    return lambda attempt, answers: responses_from_post(attempt, answers, post)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request, attempt_uuid):
    if request.method == "POST":
        return _attempt_post(request, attempt_uuid)
    attempt = _own_attempt(request, attempt_uuid)
    if not attempt.is_open:
        return redirect("assessments:result", attempt_uuid=attempt.uuid)
    if attempt.deadline and timezone.now() > attempt.deadline + services.DEADLINE_GRACE:
        # Time is over and the expiry task has not run yet: grade what was saved.
        services.attempt_submit(attempt_uuid=attempt.uuid, user=request.user, by_timeout=True)
        return redirect("assessments:result", attempt_uuid=attempt.uuid)
    answers = list(attempt.answers.all())
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": presentation.attempt_questions(attempt, answers),
            "now": timezone.now(),
        },
    )


def _attempt_post(request, attempt_uuid):
    """Save the page (and submit, or show the summary). The services read the attempt once,
    locked, and parse the form against it: no separate read of the attempt first."""
    back = reverse("assessments:attempt", args=[attempt_uuid])
    result = reverse("assessments:result", args=[attempt_uuid])
    action = request.POST.get("action")
    try:
        if action == "confirm":
            # From the summary page: the answers were saved on the way there.
            services.attempt_submit(attempt_uuid=attempt_uuid, user=request.user)
            return HttpResponseRedirect(result)
        if action == "submit":
            services.attempt_submit(
                attempt_uuid=attempt_uuid,
                user=request.user,
                responses=_form_responses(request.POST),
            )
            return HttpResponseRedirect(result)
        attempt = services.attempt_save_answers(
            attempt_uuid=attempt_uuid, user=request.user, responses=_form_responses(request.POST)
        )
        if action == "review":
            return _summary_page(request, attempt)
    except InvalidPost as error:
        return _error_page(request, services.InvalidAnswer(error.message), back_url=back)
    except services.AttemptNotFound:
        raise Http404
    except services.AttemptForbidden as error:
        raise PermissionDenied(error.message)
    except services.AttemptClosed as error:
        return _error_page(request, error, back_url=result)
    except services.AssessmentError as error:
        return _error_page(request, error, back_url=back)
    messages.success(request, _("Your answers have been saved."))
    return HttpResponseRedirect(back)


def _summary_page(request, attempt: Attempt):
    """Before submitting: how many questions are answered, which are not, and the final
    button. Reached with the answers just saved, so going back loses nothing."""
    answered = dict(attempt.answers.values_list("slot", "response"))
    unanswered = [slot + 1 for slot, response in sorted(answered.items()) if not response]
    return render(
        request,
        "assessments/attempt_summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "total": len(answered),
            "unanswered": unanswered,
            "answered_count": len(answered) - len(unanswered),
        },
    )


@login_required
@require_POST
def attempt_autosave(request, attempt_uuid):
    """The attempt page's script saves the whole form here; same rules as a plain POST.
    One locked read of the attempt and its answers, one update: the exam's busiest request."""
    try:
        services.attempt_save_answers(
            attempt_uuid=attempt_uuid, user=request.user, responses=_form_responses(request.POST)
        )
    except InvalidPost as error:
        return JsonResponse({"error": error.message}, status=400)
    except services.AttemptNotFound:
        raise Http404
    except services.AssessmentError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    saved_at = timezone.localtime()
    return JsonResponse(
        {
            "saved_at": saved_at.isoformat(),
            "message": _("Saved at %(time)s") % {"time": saved_at.strftime("%H:%M:%S")},
        }
    )


@login_required
@require_GET
def attempt_result(request, attempt_uuid):
    attempt = _own_attempt(request, attempt_uuid)
    if attempt.is_open:
        return redirect("assessments:attempt", attempt_uuid=attempt.uuid)
    quiz = attempt.quiz
    questions = []
    if quiz.review_show_responses or quiz.review_show_correct or quiz.review_show_feedback:
        questions = presentation.review_questions(
            attempt,
            list(attempt.answers.all()),
            show_responses=quiz.review_show_responses,
            show_correct=quiz.review_show_correct,
            show_feedback=quiz.review_show_feedback,
        )
    return render(
        request,
        "assessments/result.html",
        {"attempt": attempt, "quiz": quiz, "questions": questions, "show_marks": True},
    )


# --- Trainers -----------------------------------------------------------------------------


def _managed_quiz(request, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    if not request.user.has_perm(MANAGE_PERMISSION, quiz):
        raise PermissionDenied(_("Only the course's trainers can see these results."))
    return quiz


@login_required
@require_GET
def manage(request):
    if not (has_role(request.user, Role.TRAINER, Role.ADMIN) or request.user.is_superuser):
        raise PermissionDenied(_("Only trainers can see quiz results."))
    quizzes = selectors.quizzes_managed_by(request.user).order_by("title")
    return render(request, "assessments/manage.html", {"quizzes": quizzes})


@login_required
@require_GET
def quiz_attempts(request, quiz_id: int):
    quiz = _managed_quiz(request, quiz_id)
    learner_id = request.GET.get("learner")
    learner_id = int(learner_id) if learner_id and learner_id.isdigit() else None
    attempts = selectors.quiz_attempts(quiz=quiz, learner_id=learner_id)
    if request.GET.get("format") == "csv":
        return csv_response(f"intentos-{quiz.pk}.csv", _attempt_header(), _attempt_rows(attempts))
    return render(
        request,
        "assessments/quiz_attempts.html",
        {"quiz": quiz, "attempts": attempts, "learner_id": learner_id},
    )


@login_required
@require_GET
def attempt_review(request, attempt_uuid):
    try:
        attempt = selectors.attempt_with_answers(attempt_uuid)
    except Attempt.DoesNotExist:
        raise Http404
    if not request.user.has_perm(MANAGE_PERMISSION, attempt.quiz):
        raise PermissionDenied(_("Only the course's trainers can review attempts."))
    questions = presentation.review_questions(
        attempt,
        list(attempt.answers.all()),
        show_responses=True,
        show_correct=True,
        show_feedback=True,
    )
    return render(
        request,
        "assessments/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "show_marks": True,
            "trainer_view": True,
        },
    )


@login_required
@require_GET
def quiz_statistics(request, quiz_id: int):
    quiz = _managed_quiz(request, quiz_id)
    attempts, items = quiz_item_statistics(quiz)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"estadisticas-{quiz.pk}.csv", _statistics_header(), _statistics_rows(items)
        )
    return render(
        request,
        "assessments/statistics.html",
        {"quiz": quiz, "attempt_count": attempts, "items": items},
    )


@login_required
@require_POST
def quiz_regrade(request, quiz_id: int):
    quiz = _managed_quiz(request, quiz_id)
    changed = services.quiz_regrade(quiz_id=quiz.pk, user=request.user)
    messages.success(
        request, _("Quiz regraded: %(count)s attempts changed score.") % {"count": changed}
    )
    return redirect("assessments:quiz_attempts", quiz_id=quiz.pk)


# --- CSV ----------------------------------------------------------------------------------


def _attempt_header() -> list[str]:
    return [
        _("Learner"),
        _("E-mail"),
        _("Attempt"),
        _("Started"),
        _("Submitted"),
        _("Score (%)"),
        _("Passed"),
    ]


def _attempt_rows(attempts) -> Iterator[list]:
    for a in attempts.iterator(chunk_size=1000):
        yield [
            a.learner.get_full_name(),
            a.learner.email,
            a.number,
            timezone.localtime(a.started_at).isoformat(timespec="seconds"),
            timezone.localtime(a.submitted_at).isoformat(timespec="seconds")
            if a.submitted_at
            else "",
            a.score if a.score is not None else "",
            "" if a.passed is None else (_("yes") if a.passed else _("no")),
        ]


def _statistics_header() -> list[str]:
    return [
        _("Question"),
        _("Type"),
        _("Responses"),
        _("Facility index (%)"),
        _("Discrimination index (%)"),
        _("Flags"),
        _("Counts per answer"),
    ]


def _statistics_rows(items) -> Iterator[list]:
    types = dict(QuestionType.choices)  # the labels, as on the page: never "single"
    for item in items:
        yield [
            item.title,
            str(types.get(item.qtype, item.qtype)),
            item.attempts,
            item.facility if item.facility is not None else "",
            item.discrimination if item.discrimination is not None else "",
            "; ".join(item.flag_labels),
            "; ".join(f"{r.label}: {r.count}" for r in item.responses),
        ]
