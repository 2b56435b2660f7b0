"""Writes of the knowledge base: review stamps, handovers (ownership moves), reminders and
notifications. Each service is keyword-only, validates before writing and runs in one
transaction."""

from collections import defaultdict
from datetime import date, timedelta

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex

from core.api import (
    Role,
    audit_log,
    has_role,
    notification_channel,
    notification_send,
    notifications_digest_enqueue,
    page_revisions_update,
)
from courses import api as courses_api
from courses.api import CoursePage, LessonPage
from people.api import StaffProfile, StaffStatus, staff_in_scope, units_with_head

from .cache import bump_search_version
from .models import ArticlePage, Handover, HandoverItem, SystemPage
from .selectors import can_mark_reviewed

logger = structlog.get_logger(__name__)

HANDOVER_DEFAULT_DAYS = 30


# --- Review cycle -------------------------------------------------------------------------


@transaction.atomic
def article_mark_reviewed(*, article_id: int, user) -> ArticlePage:
    """Record that `user` verified the article now; the next review falls one interval later."""
    article = (
        ArticlePage.objects.select_for_update(of=("self",))
        .select_related("content_owner")
        .get(pk=article_id)
    )
    if not can_mark_reviewed(user, article):
        raise PermissionDenied(_("You may not mark this article as reviewed."))
    article.last_reviewed_at = timezone.now()
    article.last_reviewed_by = user
    article.review_due_on = article.compute_review_due_on()
    ArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_at=article.last_reviewed_at,
        last_reviewed_by=user,
        review_due_on=article.review_due_on,
    )
    # Search marks overdue articles and ranks them lower.
    bump_search_version()
    audit_log(
        instance=article,
        action="knowledge_base.article_reviewed",
        user=user,
        data={"next_review": article.review_due_on.isoformat()},
    )
    return article


def _review_recipient(article: ArticlePage, heads: dict[int, StaffProfile]):
    """The owner; if the owner has left (or is leaving), an active backup of one of the
    article's systems; else the head of the owner's unit."""
    owner = article.content_owner
    if owner is not None and owner.status == StaffStatus.ACTIVE and owner.user.is_active:
        return owner.user
    for system in article.systems.all():
        for backup in system.backups.all():
            if backup.status == StaffStatus.ACTIVE and backup.user.is_active:
                return backup.user
        for system_owner in system.owners.all():
            if system_owner.status == StaffStatus.ACTIVE and system_owner.user.is_active:
                return system_owner.user
    if owner is not None:
        head = heads.get(owner.unit_id)
        if head is not None and head.status == StaffStatus.ACTIVE:
            return head.user
    return None


def _notify(
    *,
    kind: str,
    object_key: str,
    recipient,
    period: str,
    template: str,
    context: dict,
    digest: bool = False,
) -> bool:
    """Record one notification; True the first time for this object, recipient and period
    (the key is the one of the ReminderLog rows it replaced, migrated)."""
    kind = f"kb.{kind}"
    return (
        notification_send(
            kind=kind,
            key=f"{kind}:{object_key}:{recipient.pk}:{period}",
            recipient=recipient,
            template=f"knowledge_base/email/{template}",
            context={**context, "site_url": settings.SITE_URL},
            channel=notification_channel(recipient=recipient, kind=kind),
            digest=digest,
        )
        is not None
    )


def _period(today: date) -> str:
    year, week, _weekday = today.isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def review_reminders_send(*, today: date | None = None) -> int:
    """Weekly: one e-mail per person listing the articles whose review is overdue (a digest of
    one notification per article, sent after commit). Idempotent within an ISO week. Returns
    how many people are notified."""
    today = today or timezone.localdate()
    period = _period(today)
    stale = (
        ArticlePage.objects.live()
        .filter(review_due_on__lt=today)
        .select_related("content_owner__user")
        .prefetch_related("systems__backups__user", "systems__owners__user")
        .order_by("review_due_on")
    )
    heads = {unit.pk: unit.head for unit in units_with_head()}
    by_recipient = defaultdict(list)
    for article in stale:
        recipient = _review_recipient(article, heads)
        if recipient is None:
            logger.warning("kb_review_reminder_no_recipient", article_id=article.pk)
            continue
        by_recipient[recipient].append(article)
    notified = 0
    for recipient, articles in by_recipient.items():
        fresh = [
            article
            for article in articles
            if _notify(
                kind="review",
                object_key=f"article:{article.pk}",
                recipient=recipient,
                period=period,
                template="review",
                context={"article": article},
                digest=True,
            )
        ]
        notified += bool(fresh)
    notifications_digest_enqueue()
    return notified


# --- Handover -----------------------------------------------------------------------------


def can_manage_handover(user, profile: StaffProfile) -> bool:
    """Administrators, HR for the officials in their scope, the official's manager (or the
    head of their unit), and a system custodian for their own handover."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or has_role(user, Role.ADMIN):
        return True
    if has_role(user, Role.HR):
        return staff_in_scope(user=user).filter(pk=profile.pk).exists()
    if profile.user_id == user.pk and has_role(user, Role.CUSTODIAN):
        return True
    manager = profile.manager
    if manager is not None and manager.user_id == user.pk:
        return True
    head = profile.unit.head if profile.unit_id else None
    return head is not None and head.user_id == user.pk and head.pk != profile.pk


def _checklist(profile: StaffProfile) -> list[tuple[str, int]]:
    items = [
        (HandoverItem.Kind.SYSTEM_OWNER, pk)
        for pk in SystemPage.owners.through.objects.filter(staffprofile=profile).values_list(
            "systempage_id", flat=True
        )
    ]
    items += [
        (HandoverItem.Kind.SYSTEM_BACKUP, pk)
        for pk in SystemPage.backups.through.objects.filter(staffprofile=profile).values_list(
            "systempage_id", flat=True
        )
    ]
    items += [
        (HandoverItem.Kind.ARTICLE_OWNER, pk)
        for pk in ArticlePage.objects.filter(content_owner=profile).values_list("pk", flat=True)
    ]
    items += [
        (HandoverItem.Kind.COURSE_OWNER, pk)
        for pk in courses_api.owned_course_ids(user_id=profile.user_id)
    ]
    return items


@transaction.atomic
def handover_start(
    *,
    profile: StaffProfile,
    started_by=None,
    reason: str = Handover.Reason.LEAVING,
    deadline: date | None = None,
    note: str = "",
) -> Handover:
    """Open a handover for an official, with one checklist item per thing they own."""
    if started_by is not None and not can_manage_handover(started_by, profile):
        raise PermissionDenied(
            _("Only HR, the official's manager or the custodian themselves can start a handover.")
        )
    if reason not in Handover.Reason.values:
        raise ValidationError(_("Choose why the official hands over."))
    today = timezone.localdate()
    deadline = deadline or profile.end_date or today + timedelta(days=HANDOVER_DEFAULT_DAYS)
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    StaffProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if Handover.objects.filter(profile=profile, status__in=Handover.OPEN_STATUSES).exists():
        raise ValidationError(_("This official already has a handover in progress."))
    handover = Handover.objects.create(
        profile=profile,
        reason=reason,
        deadline=deadline,
        note=note,
        started_by=started_by,
        status=Handover.Status.IN_PROGRESS if started_by else Handover.Status.PROPOSED,
    )
    HandoverItem.objects.bulk_create(
        [
            HandoverItem(handover=handover, kind=kind, page_id=page_id, deadline=deadline)
            for kind, page_id in _checklist(profile)
        ]
    )
    audit_log(
        instance=handover,
        action="knowledge_base.handover_started",
        user=started_by,
        data={"profile": profile.pk, "reason": reason, "items": handover.items.count()},
    )
    if not handover.items.exists():
        _complete(handover, user=started_by)
    return handover


def handover_propose(*, profile: StaffProfile) -> Handover | None:
    """Called when HR marks someone as leaving: open a proposed handover unless one is open."""
    existing = Handover.objects.filter(profile=profile, status__in=Handover.OPEN_STATUSES).first()
    if existing is not None:
        return existing
    try:
        return handover_start(profile=profile, started_by=None, reason=Handover.Reason.LEAVING)
    except ValidationError:
        return Handover.objects.filter(profile=profile, status__in=Handover.OPEN_STATUSES).first()


def handover_propose_for(*, profile_id: int) -> Handover | None:
    """The outbox task's entry: propose a handover unless HR took the departure back."""
    profile = StaffProfile.objects.filter(pk=profile_id).select_related("unit").first()
    if profile is None or profile.status == StaffProfile.Status.ACTIVE:
        return None  # gone, or marked active again before the task ran
    return handover_propose(profile=profile)


@transaction.atomic
def handover_item_assign(
    *, item: HandoverItem, successor: StaffProfile, deadline: date | None, user
) -> HandoverItem:
    handover = item.handover
    if not can_manage_handover(user, handover.profile):
        raise PermissionDenied(_("Only HR or the official's manager can assign successors."))
    if not handover.is_open:
        raise ValidationError(_("This handover is closed."))
    if item.status == HandoverItem.Status.ACCEPTED:
        raise ValidationError(_("This item has already been handed over."))
    if successor.pk == handover.profile_id:
        raise ValidationError(_("The successor must be someone other than the official leaving."))
    if successor.status != StaffStatus.ACTIVE or not successor.user.is_active:
        raise ValidationError(_("The successor must be an active member of staff."))
    deadline = deadline or handover.deadline
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    item.successor = successor
    item.deadline = deadline
    item.status = HandoverItem.Status.ASSIGNED
    item.save(update_fields=["successor", "deadline", "status"])
    if handover.status == Handover.Status.PROPOSED:
        handover.status = Handover.Status.IN_PROGRESS
        handover.save(update_fields=["status"])
    audit_log(
        instance=handover,
        action="knowledge_base.handover_item_assigned",
        user=user,
        data={"item": item.pk, "page": item.page_id, "successor": successor.pk},
    )
    return item


def _replace_m2m(through, page_field: str, target_field: str, page_id: int, old, new) -> None:
    rows = through.objects.filter(**{page_field: page_id})
    if rows.filter(**{target_field: new}).exists():
        rows.filter(**{target_field: old}).delete()
    else:
        rows.filter(**{target_field: old}).update(**{target_field: new})


def _replace_in_relation(field: str, old: StaffProfile, new: StaffProfile):
    """A change for `page_revisions_update`: `old` replaced by `new` in a page's m2m field."""

    def change(page) -> None:
        # Instances, not ids: modelcluster writes a list of ids straight to the live table.
        related = getattr(page, field)
        related.set([*(p for p in related.all() if p.pk not in (old.pk, new.pk)), new])

    return change


def _move_ownership(item: HandoverItem) -> None:
    """Write the move to the live rows and to the page's latest and live revisions, so that
    the next edit or publish does not bring the old owner back. Courses move their own
    owners (courses.api)."""
    leaving = item.handover.profile
    successor = item.successor
    page = Page(pk=item.page_id)
    if item.kind == HandoverItem.Kind.COURSE_OWNER:
        courses_api.course_owners_replace(
            course_id=item.page_id, old_user_id=leaving.user_id, new_user_id=successor.user_id
        )
    elif item.kind in (HandoverItem.Kind.SYSTEM_OWNER, HandoverItem.Kind.SYSTEM_BACKUP):
        field = "owners" if item.kind == HandoverItem.Kind.SYSTEM_OWNER else "backups"
        _replace_m2m(
            getattr(SystemPage, field).through,
            "systempage_id",
            "staffprofile_id",
            item.page_id,
            leaving.pk,
            successor.pk,
        )
        page_revisions_update(page=page, change=_replace_in_relation(field, leaving, successor))
    elif item.kind == HandoverItem.Kind.ARTICLE_OWNER:
        ArticlePage.objects.filter(pk=item.page_id, content_owner=leaving).update(
            content_owner=successor
        )

        def change(article) -> None:
            article.content_owner = successor

        page_revisions_update(page=page, change=change)


@transaction.atomic
def handover_item_accept(*, item_id: int, user) -> HandoverItem:
    """The successor accepts: ownership moves to them at once; when every item is accepted
    the handover is completed."""
    item = (
        HandoverItem.objects.select_for_update(of=("self",))
        .select_related("handover__profile", "successor__user")
        .get(pk=item_id)
    )
    if item.successor is None or item.successor.user_id != user.pk:
        raise PermissionDenied(_("Only the designated successor can accept this item."))
    if item.status == HandoverItem.Status.ACCEPTED:
        return item
    if not item.handover.is_open:
        raise ValidationError(_("This handover is closed."))
    _move_ownership(item)
    item.status = HandoverItem.Status.ACCEPTED
    item.accepted_at = timezone.now()
    item.save(update_fields=["status", "accepted_at"])
    audit_log(
        instance=item.handover,
        action="knowledge_base.handover_item_accepted",
        user=user,
        data={"item": item.pk, "page": item.page_id, "kind": item.kind},
    )
    if not item.handover.items.exclude(status=HandoverItem.Status.ACCEPTED).exists():
        _complete(item.handover, user=user)
    return item


def _complete(handover: Handover, *, user) -> None:
    handover.status = Handover.Status.COMPLETED
    handover.completed_at = timezone.now()
    handover.save(update_fields=["status", "completed_at"])
    audit_log(instance=handover, action="knowledge_base.handover_completed", user=user)


@transaction.atomic
def handover_cancel(*, handover: Handover, user) -> Handover:
    if not can_manage_handover(user, handover.profile):
        raise PermissionDenied(_("Only HR or the official's manager can cancel a handover."))
    if not handover.is_open:
        raise ValidationError(_("This handover is closed."))
    handover.status = Handover.Status.CANCELLED
    handover.save(update_fields=["status"])
    audit_log(instance=handover, action="knowledge_base.handover_cancelled", user=user)
    return handover


@transaction.atomic
def handover_reminders_send(*, today: date | None = None) -> int:
    """Remind successors of items waiting for their acceptance past the deadline, and whoever
    started (or else HR of) handovers past their deadline. Idempotent within a day."""
    today = today or timezone.localdate()
    period = today.isoformat()
    sent = 0
    overdue_items = (
        HandoverItem.objects.filter(
            status=HandoverItem.Status.ASSIGNED,
            deadline__lt=today,
            handover__status__in=Handover.OPEN_STATUSES,
        )
        .select_related("successor__user", "page", "handover__profile__user")
        .order_by("pk")
    )
    by_successor = defaultdict(list)
    for item in overdue_items:
        by_successor[item.successor.user].append(item)
    for recipient, items in by_successor.items():
        fresh = [
            item
            for item in items
            if _notify(
                kind="handover_item",
                object_key=str(item.pk),
                recipient=recipient,
                period=period,
                template="handover_item",
                context={"item": item},
                digest=True,
            )
        ]
        sent += bool(fresh)
    overdue_handovers = Handover.objects.filter(
        status__in=Handover.OPEN_STATUSES, deadline__lt=today
    ).select_related("started_by", "profile__user", "profile__manager__user")
    for handover in overdue_handovers:
        recipient = handover.started_by or (
            handover.profile.manager.user if handover.profile.manager else None
        )
        if recipient is not None and _notify(
            kind="handover",
            object_key=str(handover.pk),
            recipient=recipient,
            period=period,
            template="handover",
            context={"handover": handover},
        ):
            sent += 1
    notifications_digest_enqueue()
    return sent


# --- Links from lessons -------------------------------------------------------------------


def course_owners_referencing(article: ArticlePage) -> dict:
    """Course owners whose lessons link the article (Wagtail's reference index): user -> set
    of course titles."""
    lesson_ids = [
        int(ref.object_id)
        for ref in ReferenceIndex.get_references_to(article).filter(
            base_content_type__app_label="wagtailcore", base_content_type__model="page"
        )
        if str(ref.object_id).isdigit()
    ]
    course_paths = {
        path[: -Page.steplen]
        for path in LessonPage.objects.filter(pk__in=lesson_ids).values_list("path", flat=True)
    }
    owners = defaultdict(set)
    for course in CoursePage.objects.filter(path__in=course_paths).prefetch_related("owners"):
        for owner in course.owners.all():
            if owner.is_active:
                owners[owner].add(course.title)
    return owners


def article_change_notify(*, article_id: int, revision_id: int) -> int:
    """Tell the owners of the courses whose lessons link this article that it changed."""
    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        return 0
    sent = 0
    for owner, courses in course_owners_referencing(article).items():
        sent += _notify(
            kind="article_changed",
            object_key=f"revision:{revision_id}",
            recipient=owner,
            period="once",
            template="article_changed",
            context={"article": article, "courses": ", ".join(sorted(courses))},
        )
    return sent


# --- Personal data ------------------------------------------------------------------------


def _without(profiles, profile_id: int) -> list:
    return [profile for profile in profiles if profile.pk != profile_id]


@transaction.atomic
def person_remove_from_systems(*, profile_id: int, user=None) -> list[int]:
    """Take a person off the owners and backups of every system (when they are anonymised).

    Goes through Wagtail's revisions, never by editing revision JSON: each system gets a new
    revision without them, made from its latest one and logged for `user`. A system with no
    pending draft publishes that revision at once; one with a draft (perhaps under review)
    keeps the draft as a draft, and its live owner and backup rows lose the person directly,
    so nothing unreviewed goes live. Returns the ids of the systems changed."""
    owner_rows = SystemPage.owners.through.objects.filter(staffprofile_id=profile_id)
    backup_rows = SystemPage.backups.through.objects.filter(staffprofile_id=profile_id)
    system_ids = set(owner_rows.values_list("systempage_id", flat=True)) | set(
        backup_rows.values_list("systempage_id", flat=True)
    )
    for system in SystemPage.objects.filter(pk__in=system_ids).order_by("pk"):
        had_draft = system.has_unpublished_changes
        latest = system.get_latest_revision_as_object()
        latest.owners = _without(latest.owners.all(), profile_id)
        latest.backups = _without(latest.backups.all(), profile_id)
        revision = latest.save_revision(user=user, log_action=True, clean=False)
        if system.live and not had_draft:
            revision.publish(user=user, skip_permission_checks=True)
    owner_rows.delete()
    backup_rows.delete()
    if system_ids:
        bump_search_version()
    return sorted(system_ids)
