"""Reminder e-mails: learners 30, 7 and 0 days before a certification expires and when a
required training is overdue; their manager one digest of the team's reminders per run; HR a
weekly digest.

Every reminder is a `core.notifications` row whose key (kind, person, requirement, date
bucket) makes a second run a no-op; it is sent after commit and retried until delivered.
"""

from __future__ import annotations

from datetime import date, timedelta

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api import (
    Role,
    notification_channel,
    notification_exists,
    notification_send,
    notifications_digest_enqueue,
)

from . import selectors
from .selectors import Compliance

logger = structlog.get_logger(__name__)
User = get_user_model()


class ReminderKind(models.TextChoices):
    EXPIRY_30 = "expiry_30", _("30 days before expiry")
    EXPIRY_7 = "expiry_7", _("7 days before expiry")
    EXPIRY_0 = "expiry_0", _("Expiry day")
    OVERDUE = "overdue", _("Overdue")
    DIGEST = "digest", _("Weekly HR digest")


EXPIRY_KINDS = [
    (30, ReminderKind.EXPIRY_30),
    (7, ReminderKind.EXPIRY_7),
    (0, ReminderKind.EXPIRY_0),
]
TEAM_KIND = "people.team"  # the manager's digest of their reports' reminders


def reminder_key(*, kind: str, user_id: int, requirement_id: int | None, bucket: date) -> str:
    """The key of a reminder (the same as the ReminderLog rows it replaced, migrated)."""
    return f"people.{kind}:{user_id}:{requirement_id or '-'}:{bucket.isoformat()}"


def course_url(course) -> str:
    url = course.get_url() or f"/cursos/{course.slug}/"
    return url if url.startswith("http") else settings.SITE_URL + url


def _remind(*, profile, requirement, kind: str, bucket: date, template: str, context) -> bool:
    """Record the learner's reminder and, the first time only, its line in the manager's
    digest. False when this reminder was recorded before."""
    user = profile.user
    row = notification_send(
        kind=f"people.{kind}",
        key=reminder_key(kind=kind, user_id=user.pk, requirement_id=requirement.pk, bucket=bucket),
        recipient=user,
        template=template,
        context=context,
        channel=notification_channel(recipient=user, kind=f"people.{kind}"),
    )
    if row is None:
        return False
    manager = profile.manager.user if profile.manager_id else None
    if manager is not None and manager.is_active and manager.email:
        notification_send(
            kind=TEAM_KIND,
            key=f"{TEAM_KIND}:{manager.pk}:{row.key}",
            recipient=manager,
            template="people/email/team",
            context={**context, "reminder": kind},
            channel=notification_channel(recipient=manager, kind=TEAM_KIND),
            digest=True,
        )
    return True


def _reminder_kind(days_left: int) -> str | None:
    """The most urgent expiry reminder due for this many days left (30, 7, 0)."""
    for threshold, kind in reversed(EXPIRY_KINDS):
        if days_left <= threshold:
            return kind
    return None


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Record the reminders due today (sent after commit, managers' digests included);
    returns how many learners' reminders were recorded (a second run records none)."""
    today = today or timezone.localdate()
    sent = 0
    for requirement in selectors.active_requirements():
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
            if kind is None:
                continue
            sent += _remind(
                profile=profile,
                requirement=requirement,
                kind=kind,
                bucket=profile.held_until,
                template="people/email/expiry",
                context={
                    "profile": profile,
                    "course": requirement.course,
                    "course_url": url,
                    "expires_on": profile.held_until,
                    "days_left": days_left,
                },
            )
        # Overdue: once a week while it lasts (bucket: the Monday of this week).
        week = today - timedelta(days=today.weekday())
        overdue = base.filter(compliance__in=[Compliance.OVERDUE, Compliance.EXPIRED])
        for profile in overdue.iterator(1000):
            sent += _remind(
                profile=profile,
                requirement=requirement,
                kind=ReminderKind.OVERDUE,
                bucket=week,
                template="people/email/overdue",
                context={
                    "profile": profile,
                    "course": requirement.course,
                    "course_url": url,
                    "due_on": profile.due_on,
                    "expired_on": profile.held_until,
                },
            )
    notifications_digest_enqueue()
    logger.info("people_reminders_recorded", count=sent)
    return sent


def digest_context(user) -> dict:
    staff = selectors.visible_staff(user)
    rows = []
    for requirement in selectors.active_requirements():
        rows.append({"requirement": requirement, **selectors.compliance_totals(requirement, staff)})
    forecasts = [f for f in selectors.coverage_forecasts(user) if f.at_risk]
    return {"rows": rows, "forecasts": forecasts, "site_url": settings.SITE_URL}


@transaction.atomic
def hr_digest_send(*, today: date | None = None) -> int:
    """The weekly digest to every HR officer (their scope only). Once per week."""
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    sent = 0
    officers = User.objects.filter(groups__name=Role.HR.value, is_active=True).distinct()
    for officer in officers:
        key = reminder_key(
            kind=ReminderKind.DIGEST, user_id=officer.pk, requirement_id=None, bucket=week
        )
        if notification_exists(key=key):
            continue  # the digest's context is costly: do not build it again
        sent += (
            notification_send(
                kind=f"people.{ReminderKind.DIGEST}",
                key=key,
                recipient=officer,
                template="people/email/digest",
                context={**digest_context(officer), "week": week},
                channel=notification_channel(recipient=officer, kind="people.digest"),
            )
            is not None
        )
    return sent
