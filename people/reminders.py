"""Reminder e-mails: learners (and their manager) 30, 7 and 0 days before a certification
expires and when a required training is overdue; HR a weekly digest.

ReminderLog's unique key (person, requirement, kind, date bucket) makes every run idempotent:
the log row is written in the same transaction as the decision to send.
"""

from __future__ import annotations

from datetime import date, timedelta

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.api import Role

from . import selectors
from .models import ReminderLog, Requirement
from .selectors import Compliance

logger = structlog.get_logger(__name__)
User = get_user_model()

EXPIRY_KINDS = [
    (30, ReminderLog.Kind.EXPIRY_30),
    (7, ReminderLog.Kind.EXPIRY_7),
    (0, ReminderLog.Kind.EXPIRY_0),
]


def course_url(course) -> str:
    url = course.get_url() or f"/cursos/{course.slug}/"
    return url if url.startswith("http") else settings.SITE_URL + url


def _log_once(*, user_id: int, requirement: Requirement | None, kind: str, bucket: date) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                user_id=user_id, requirement=requirement, kind=kind, bucket=bucket
            )
    except IntegrityError:
        return False
    return True


def _send(*, user, template: str, context: dict, cc_user=None) -> None:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"people/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"people/email/{template}_body.txt", context)
    send_mail(subject, body, None, [user.email])
    if cc_user is not None and cc_user.is_active and cc_user.email:
        with translation.override(cc_user.language or settings.LANGUAGE_CODE):
            subject = render_to_string(
                f"people/email/{template}_subject.txt", {**context, "for_manager": True}
            ).strip()
            body = render_to_string(
                f"people/email/{template}_body.txt", {**context, "for_manager": True}
            )
        send_mail(subject, body, None, [cc_user.email])


def _reminder_kind(days_left: int) -> str | None:
    """The most urgent expiry reminder due for this many days left (30, 7, 0)."""
    for threshold, kind in reversed(EXPIRY_KINDS):
        if days_left <= threshold:
            return kind
    return None


def reminders_send(*, today: date | None = None) -> int:
    """Send the reminders due today; returns how many were sent (a second run sends none)."""
    today = today or timezone.localdate()
    sent = 0
    for requirement in Requirement.objects.filter(active=True).select_related("course", "unit"):
        url = course_url(requirement.course)
        base = (
            selectors.compliance_queryset(requirement, today=today)
            .filter(user__is_active=True)
            .select_related("manager__user")
        )
        expiring = base.filter(held_until__gte=today, held_until__lte=today + timedelta(days=30))
        for profile in expiring.iterator(1000):
            days_left = (profile.held_until - today).days
            kind = _reminder_kind(days_left)
            if kind is None or not _log_once(
                user_id=profile.user_id,
                requirement=requirement,
                kind=kind,
                bucket=profile.held_until,
            ):
                continue
            _send(
                user=profile.user,
                template="expiry",
                context={
                    "profile": profile,
                    "course": requirement.course,
                    "course_url": url,
                    "expires_on": profile.held_until,
                    "days_left": days_left,
                },
                cc_user=profile.manager.user if profile.manager_id else None,
            )
            sent += 1
        # Overdue: once a week while it lasts (bucket: the Monday of this week).
        week = today - timedelta(days=today.weekday())
        overdue = base.filter(compliance__in=[Compliance.OVERDUE, Compliance.EXPIRED])
        for profile in overdue.iterator(1000):
            if not _log_once(
                user_id=profile.user_id,
                requirement=requirement,
                kind=ReminderLog.Kind.OVERDUE,
                bucket=week,
            ):
                continue
            _send(
                user=profile.user,
                template="overdue",
                context={
                    "profile": profile,
                    "course": requirement.course,
                    "course_url": url,
                    "due_on": profile.due_on,
                    "expired_on": profile.held_until,
                },
                cc_user=profile.manager.user if profile.manager_id else None,
            )
            sent += 1
    logger.info("people_reminders_sent", count=sent)
    return sent


def digest_context(user) -> dict:
    staff = selectors.visible_staff(user)
    rows = []
    for requirement in Requirement.objects.filter(active=True).select_related("course", "unit"):
        rows.append({"requirement": requirement, **selectors.compliance_totals(requirement, staff)})
    forecasts = [f for f in selectors.coverage_forecasts(user) if f.at_risk]
    return {"rows": rows, "forecasts": forecasts, "site_url": settings.SITE_URL}


def hr_digest_send(*, today: date | None = None) -> int:
    """The weekly digest to every HR officer (their scope only). Once per week."""
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    sent = 0
    officers = User.objects.filter(groups__name=Role.HR.value, is_active=True).distinct()
    for officer in officers:
        if not _log_once(
            user_id=officer.pk, requirement=None, kind=ReminderLog.Kind.DIGEST, bucket=week
        ):
            continue
        _send(user=officer, template="digest", context={**digest_context(officer), "week": week})
        sent += 1
    return sent
