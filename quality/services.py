"""Writes of the quality app: each a keyword-only function in one transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import audit_log, notification_send
from courses import api as courses_api
from people import api as people_api

from .models import (
    Indicator,
    IndicatorValue,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)

MAX_TEXT = 4000
FOLLOWUP_WINDOW_DAYS = 14  # a follow-up missed on its day (job down) is still sent this late


class SurveyClosed(ValidationError):
    """The person has no pending invitation to this survey (answered, skipped or never asked)."""


def month_start(day: date) -> date:
    return day.replace(day=1)


# --- surveys ---------------------------------------------------------------------------------


def _bump(user_id: int) -> None:
    # The pending survey is a section of the learner's cached "Mi aprendizaje".
    courses_api.bump_learner_version(user_id=user_id)


# Called inside the completion's transaction (a submit on exam day): no savepoint of its own.
@transaction.atomic(savepoint=False)
def surveys_offer_on_completion(*, enrolment) -> int:
    """Invite the learner to the course's completion surveys (once per survey lineage)."""
    created = 0
    for survey in Survey.objects.filter(
        course_id=enrolment.course_id, audience=Survey.Audience.COMPLETION, active=True
    ):
        _row, new = SurveyParticipation.objects.get_or_create(
            lineage=survey.lineage,
            user_id=enrolment.learner_id,
            subject=0,
            defaults={"survey": survey, "course_id": enrolment.course_id},
        )
        created += new
    if created:
        _bump(enrolment.learner_id)
    return created


def _clean_answers(survey: Survey, data) -> list[SurveyAnswer]:
    """Answers from submitted form data (`q<question id>` keys); ValidationError in Spanish."""
    answers, errors = [], {}
    for question in survey.questions.all():
        key = f"q{question.pk}"
        answer = SurveyAnswer(question=question)
        choices = question.choice_list
        if question.kind == SurveyQuestion.Kind.MULTIPLE:
            raw = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
            try:
                picked = sorted({int(v) for v in raw})
            except (TypeError, ValueError):
                picked = [-1]
            if any(i < 0 or i >= len(choices) for i in picked):
                errors[key] = _("Choose among the options shown.")
                continue
            answer.choices = picked
            filled = bool(picked)
        elif question.kind == SurveyQuestion.Kind.TEXT:
            answer.text = str(data.get(key, "")).strip()
            if len(answer.text) > MAX_TEXT:
                errors[key] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
                continue
            filled = bool(answer.text)
        else:
            raw = str(data.get(key, "")).strip()
            limit = 5 if question.kind == SurveyQuestion.Kind.LIKERT else len(choices) - 1
            low = 1 if question.kind == SurveyQuestion.Kind.LIKERT else 0
            if raw:
                try:
                    number = int(raw)
                except ValueError:
                    number = -1
                if not low <= number <= limit:
                    errors[key] = _("Choose among the options shown.")
                    continue
                answer.number = number
            filled = bool(raw)
        if not filled:
            if question.required:
                errors[key] = _("This question is required.")
            continue
        answers.append(answer)
    if errors:
        raise ValidationError(errors)
    return answers


@transaction.atomic
def survey_submit(*, survey: Survey, user, data, subject: int = 0) -> SurveyResponse:
    """Store one response and mark the person's invitation answered; never twice."""
    participation = (
        SurveyParticipation.objects.select_for_update()
        .filter(lineage=survey.lineage, user=user, subject=subject)
        .first()
    )
    if participation is None or participation.state != SurveyParticipation.State.PENDING:
        raise SurveyClosed(_("You have already answered this survey, or it is not for you."))
    answers = _clean_answers(survey, data)
    response = SurveyResponse.objects.create(
        survey=survey,
        course_id=participation.course_id or survey.course_id,
        answered_on=timezone.localdate(),
        respondent=None if survey.anonymous else user,
    )
    for answer in answers:
        answer.response = response
    SurveyAnswer.objects.bulk_create(answers)
    participation.state = SurveyParticipation.State.ANSWERED
    participation.save(update_fields=["state"])
    _bump(user.pk)
    return response


@transaction.atomic
def survey_skip(*, survey: Survey, user, subject: int = 0) -> None:
    """The person declines the survey: it is not offered again."""
    updated = SurveyParticipation.objects.filter(
        lineage=survey.lineage,
        user=user,
        subject=subject,
        state=SurveyParticipation.State.PENDING,
    ).update(state=SurveyParticipation.State.SKIPPED)
    if not updated:
        raise SurveyClosed(_("You have already answered this survey, or it is not for you."))
    _bump(user.pk)


@transaction.atomic
def survey_new_version(*, survey: Survey, user=None) -> Survey:
    """A survey with responses is not edited: copy it (same lineage, next version) and retire
    it, so that its responses keep the questions they answered."""
    questions = list(survey.questions.all())
    old_pk = survey.pk
    latest = Survey.objects.filter(lineage=survey.lineage).order_by("-version").first()
    copy = Survey.objects.get(pk=old_pk)
    copy.pk = None
    copy.id = None
    copy.version = latest.version + 1
    copy.created_at = timezone.now()
    copy.save()
    for question in questions:
        SurveyQuestion.objects.create(
            survey=copy,
            sort_order=question.sort_order,
            text=question.text,
            kind=question.kind,
            choices=question.choices,
            required=question.required,
            lesson_id=question.lesson_id,
        )
    Survey.objects.filter(pk=old_pk).update(active=False)
    # Pending invitations move to the version that is asked now.
    SurveyParticipation.objects.filter(
        survey_id=old_pk, state=SurveyParticipation.State.PENDING
    ).update(survey=copy)
    audit_log(instance=copy, action="quality.survey_versioned", user=user, data={"from": old_pk})
    return copy


@transaction.atomic
def manager_followups_send(*, today: date | None = None) -> int:
    """Ask each learner's manager, N days after the learner completed a course with a follow-up
    survey, whether they apply what they learnt (Kirkpatrick level 3). Idempotent."""
    today = today or timezone.localdate()
    sent = 0
    for survey in Survey.objects.filter(
        audience=Survey.Audience.MANAGER, active=True, course__isnull=False
    ):
        last = today - timedelta(days=survey.followup_days)
        first = last - timedelta(days=FOLLOWUP_WINDOW_DAYS)
        enrolments = list(
            courses_api.Enrolment.objects.filter(
                course_id=survey.course_id,
                status=courses_api.EnrolmentStatus.COMPLETED,
                completed_at__date__gte=first,
                completed_at__date__lte=last,
            ).values_list("pk", "learner_id", "learner__first_name", "learner__last_name")
        )
        managers = people_api.managers_of(user_ids=[learner for _pk, learner, *_n in enrolments])
        for enrolment_id, learner_id, first_name, last_name in enrolments:
            manager = managers.get(learner_id)
            if manager is None:
                continue
            _row, new = SurveyParticipation.objects.get_or_create(
                lineage=survey.lineage,
                user=manager,
                subject=enrolment_id,
                defaults={"survey": survey, "course_id": survey.course_id},
            )
            if not new:
                continue
            notification_send(
                kind="quality_followup",
                key=f"quality-followup-{survey.lineage}-{enrolment_id}",
                recipient=manager,
                template="quality/email/followup",
                context={
                    "course_title": survey.course.title,
                    "learner_name": f"{first_name} {last_name}".strip(),
                    "url": settings.SITE_URL
                    + reverse("quality:survey_answer", args=[survey.pk])
                    + f"?sobre={enrolment_id}",
                },
            )
            sent += 1
    return sent


# --- indicators ------------------------------------------------------------------------------


def _audit_changes(indicator: Indicator, before: dict, user) -> None:
    # Compared as stored (10 and 10.00 are the same baseline).
    after = indicator_snapshot(indicator)
    changes = {
        field: [str(before[field]), str(after[field])]
        for field in Indicator.AUDITED_FIELDS
        if before[field] != after[field]
    }
    if changes:
        audit_log(
            instance=indicator,
            action="quality.indicator_target_changed",
            user=user,
            data=changes,
        )


def indicator_snapshot(indicator: Indicator) -> dict:
    """The audited fields as stored (read before an edit, compared after it)."""
    if indicator.pk is None:
        return {}
    return Indicator.objects.filter(pk=indicator.pk).values(*Indicator.AUDITED_FIELDS).first() or {}


@transaction.atomic
def indicator_update(*, indicator: Indicator, user, **changes) -> Indicator:
    """Change an indicator; a change of baseline or target (value or date) is audited."""
    before = indicator_snapshot(indicator)
    for name, value in changes.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    if before:
        _audit_changes(indicator, before, user)
    return indicator


def indicator_edited(*, indicator: Indicator, before: dict, user) -> None:
    """After an edit in Wagtail's admin: audit what changed of the baseline and target."""
    if before:
        _audit_changes(indicator, before, user)


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator,
    period: date,
    value: Decimal | float,
    evidence,
    user,
    unit_id: int | None = None,
    note: str = "",
) -> IndicatorValue:
    """Record a manual indicator's value for a month; it needs its evidence file."""
    if not indicator.is_manual:
        raise ValidationError(_("This indicator is computed from Relevo's data."))
    if not evidence:
        raise ValidationError({"evidence": _("Attach the evidence document.")})
    row, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        unit_id=unit_id,
        period=month_start(period),
        defaults={"value": float(value), "note": note, "entered_by": user, "evidence": evidence},
    )
    audit_log(
        instance=indicator,
        action="quality.indicator_value_recorded",
        user=user,
        data={"period": str(row.period), "value": float(value), "unit": unit_id},
    )
    return row


@transaction.atomic
def indicator_values_store(*, indicator_id: int, rows: list[dict]) -> int:
    """Store computed values (one per unit and month); re-running replaces them."""
    for row in rows:
        IndicatorValue.objects.update_or_create(
            indicator_id=indicator_id,
            unit_id=row["unit_id"],
            period=row["period"],
            defaults={
                "value": row["value"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
            },
        )
    return len(rows)
