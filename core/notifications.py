"""One notification service for every e-mail the project sends (allauth's own account mails
excepted: sign-up, verification and password reset stay with allauth).

Write: `notification_send` records one NotificationLog row in the caller's transaction (a
rollback leaves no row and sends nothing); its unique key makes every producer idempotent.
Subject and body are rendered then, in the recipient's language, from `<template>_subject.txt`
and `<template>_body.txt`.

Send: after commit a task delivers the row (`notification_deliver`); `notifications_send_due`
(beat, every minute) delivers whatever is due: never enqueued (broker down) or failed earlier
and past its backoff. Rows written with `digest=True` wait for `notifications_digest_send`,
which groups a recipient's unsent rows of one kind into one e-mail rendered from
`<template>_digest_subject.txt` and `<template>_digest_body.txt` (items: the rows' bodies).

Delivery, per row (or per digest group): claim it (a lease, `claimed_until`, committed on its
own), send it, then mark it sent in its own transaction at once; a failed send clears the claim
and sets the next attempt with exponential backoff (capped at an hour, never given up). The one
crash window accepted: the SMTP server accepted the message and the process died before the
"sent" update committed. The lease expires and the row is sent again, so in that window a
person may get the same e-mail twice; the other order (mark, then send) would lose it instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import NotificationLog
from .outbox import broker_publish

logger = structlog.get_logger(__name__)

Channel = NotificationLog.Channel
DELIVER_TASK = "core.tasks.notification_deliver"
DIGEST_TASK = "core.tasks.notifications_digest"
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)

# name -> provider(**spec) returning (filename, content, mimetype) or None (file gone).
AttachmentProvider = Callable[..., tuple[str, bytes, str] | None]
_attachment_providers: dict[str, AttachmentProvider] = {}


def notification_attachment_register(*, name: str, provider: AttachmentProvider) -> None:
    """Let an app attach files it owns (a certificate's PDF), read at send time by name."""
    _attachment_providers[name] = provider


def notification_channel(*, recipient, kind: str) -> str:
    """The channel a person wants for a kind of notification. E-mail until the in-site list
    and its preferences exist (a later issue stores the choice per person and kind)."""
    return Channel.EMAIL


def recipient_language(recipient) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    language = (getattr(recipient, "language", "") or settings.LANGUAGE_CODE)[:2]
    return language if language in languages else settings.LANGUAGE_CODE


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return " ".join(subject.split()), body


def notification_exists(*, key: str) -> bool:
    """Whether a notification with this key was recorded (a producer may skip costly work)."""
    return NotificationLog.objects.filter(key=key).exists()


def notification_send(
    *,
    kind: str,
    key: str,
    recipient,
    template: str,
    context: dict,
    channel: str = Channel.EMAIL,
    digest: bool = False,
    attachments: Iterable[dict] = (),
    address: str = "",
) -> NotificationLog | None:
    """Record a notification in the caller's transaction; it is sent after commit.

    Returns the new row, or None when `key` was recorded before (nothing is sent again).
    `attachments`: specs `{"provider": name, ...}` resolved at send time; `address`: send
    there instead of the recipient's current e-mail (never with `digest`)."""
    if notification_exists(key=key):
        return None
    subject, body = _render(template, context, recipient_language(recipient))
    try:
        with transaction.atomic():
            row = NotificationLog.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=recipient,
                template=template,
                subject=subject[:300],
                body=body,
                attachments=list(attachments),
                digest=digest and not address,
                address=address,
            )
    except IntegrityError:  # a concurrent producer recorded the same key first
        return None
    if channel == Channel.EMAIL and not row.digest:
        transaction.on_commit(lambda: _enqueue(DELIVER_TASK, notification_id=row.pk), robust=True)
    return row


def notifications_digest_enqueue() -> None:
    """Ask for a digest run after the caller's transaction commits (producers of digest rows
    call it once per job run; beat runs the digest too, in case the broker was down)."""
    transaction.on_commit(lambda: _enqueue(DIGEST_TASK), robust=True)


def _enqueue(task_name: str, **kwargs) -> None:
    try:
        broker_publish(task_name, kwargs=kwargs)  # tight timeouts, circuit breaker
    except Exception as exc:  # broker down: notifications_send_due picks the row up later
        logger.warning("notification_enqueue_failed", task=task_name, error=str(exc))


# --- Delivery -------------------------------------------------------------------------------


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _due(now: datetime, *, digest: bool) -> QuerySet[NotificationLog]:
    return NotificationLog.objects.filter(
        sent_at__isnull=True, channel=Channel.EMAIL, digest=digest, next_attempt_at__lte=now
    ).filter(_unclaimed(now))


def _claim(ids: list[int], now: datetime, *, digest: bool) -> list[int]:
    """Take a lease on those of the rows that are due and that no one else holds."""
    with transaction.atomic():
        claimed = list(
            _due(now, digest=digest)
            .select_for_update(skip_locked=True)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        NotificationLog.objects.filter(pk__in=claimed).update(
            claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
    return claimed


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _attachment(spec: dict) -> tuple[str, bytes, str] | None:
    spec = dict(spec)
    provider = _attachment_providers[spec.pop("provider")]
    return provider(**spec)


def _mark_failed(rows: list[NotificationLog], error: Exception | str, now: datetime) -> bool:
    attempts = max(row.attempts for row in rows)
    with transaction.atomic():
        NotificationLog.objects.filter(pk__in=[row.pk for row in rows]).update(
            claimed_until=None,
            last_error=str(error)[:2000] or error.__class__.__name__,
            next_attempt_at=now + _backoff(attempts),
        )
    logger.warning("notification_send_failed", ids=[r.pk for r in rows], error=str(error))
    return False


def _deliver(rows: list[NotificationLog], message: EmailMessage, now: datetime) -> bool:
    try:
        message.send()
    except Exception as exc:  # SMTP refused, server down: retried after the backoff
        return _mark_failed(rows, exc, now)
    with transaction.atomic():  # at once, on its own: the crash window is this statement
        NotificationLog.objects.filter(pk__in=[row.pk for row in rows]).update(
            sent_at=timezone.now(), claimed_until=None, last_error=""
        )
    return True


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one unsent e-mail row if it is due and no one else is sending it."""
    now = now or timezone.now()
    if not _claim([notification_id], now, digest=False):
        return False
    row = NotificationLog.objects.select_related("recipient").get(pk=notification_id)
    to = row.address or row.recipient.email
    if not to:
        return _mark_failed([row], "The recipient has no e-mail address.", now)
    message = EmailMessage(subject=row.subject, body=row.body, to=[to])
    try:
        for spec in row.attachments:
            attachment = _attachment(spec)
            if attachment is not None:
                message.attach(*attachment)
    except Exception as exc:  # a missing provider or storage error: retried like SMTP
        return _mark_failed([row], exc, now)
    return _deliver([row], message, now)


def notifications_send_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Deliver every due single row (never enqueued, or failed and past its backoff)."""
    now = now or timezone.now()
    ids = list(
        _due(now, digest=False)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_deliver(notification_id=pk, now=now) for pk in ids)


def notifications_digest_send(*, kind: str | None = None, now: datetime | None = None) -> int:
    """One e-mail per recipient and kind with all their unsent digest rows; returns how many
    e-mails were sent (a second run sends none)."""
    now = now or timezone.now()
    due = _due(now, digest=True)
    if kind:
        due = due.filter(kind=kind)
    groups: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for pk, recipient_id, row_kind, template in due.order_by("created_at", "pk").values_list(
        "pk", "recipient_id", "kind", "template"
    ):
        groups[(recipient_id, row_kind, template)].append(pk)
    sent = 0
    for (_recipient_id, _kind, template), ids in groups.items():
        claimed = _claim(ids, now, digest=True)
        if not claimed:
            continue
        rows = list(
            NotificationLog.objects.filter(pk__in=claimed)
            .select_related("recipient")
            .order_by("created_at", "pk")
        )
        recipient = rows[0].recipient
        context = {
            "recipient": recipient,
            "items": [row.body.strip() for row in rows],
            "count": len(rows),
            "site_url": settings.SITE_URL,
        }
        with translation.override(recipient_language(recipient)):
            subject = render_to_string(f"{template}_digest_subject.txt", context)
            body = render_to_string(f"{template}_digest_body.txt", context)
        message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[recipient.email])
        sent += _deliver(rows, message, now)
    return sent


def notifications_of(*, recipient) -> list[dict]:
    """What was (or will be) sent to a person, for their personal-data export."""
    return list(
        NotificationLog.objects.filter(recipient=recipient)
        .order_by("created_at")
        .values("kind", "channel", "subject", "body", "created_at", "sent_at")
    )


def notifications_anonymise(*, recipient) -> int:
    """Blank the texts of a person's notifications (they hold their name); the rows stay so a
    job never re-sends what it already sent. Unsent ones are dropped: nobody reads them now."""
    rows = NotificationLog.objects.filter(recipient=recipient)
    rows.filter(sent_at__isnull=True).delete()
    return rows.update(subject="", body="", attachments=[], last_error="")
