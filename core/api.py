"""Core's public API: the only core module (with `core.hooks`) the other apps import.

Roles, the audit log, the transactional outbox, versioned cache keys, page revisions and the
demo accounts. Functions are keyword-only where they take more than a value; each says in
one line what it does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from . import audit, cache, demo, outbox, pages, roles
from .exports import csv_response, escape_cell, spreadsheet_response, xlsx_response
from .forms import ChoiceIdsGuard
from .four_eyes import is_own_submission
from .models import HomePage, OutboxMessage, User
from .notifications import (
    notification_attachment_register,
    notification_channel,
    notification_exists,
    notification_send,
    notifications_anonymise,
    notifications_digest_enqueue,
    notifications_of,
    recipient_language,
)
from .outbox import outbox_id_of, outbox_record_failure
from .params import MAX_DB_INTEGER, parse_id, search_words
from .privacy import SUPPRESSED, min_group_size, suppressed_cells
from .roles import Role
from .uploads import validate_tabular_upload, validate_text_upload

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import Model
    from wagtail.models import Page

__all__ = [
    "DEMO_ACCOUNTS",
    "MAX_DB_INTEGER",
    "SUPPRESSED",
    "ChoiceIdsGuard",
    "HomePage",
    "Role",
    "User",
    "account_email_changed_notify",
    "audit_log",
    "bump_cache_version",
    "cache_version",
    "csv_response",
    "demo_account_ensure",
    "demo_user",
    "escape_cell",
    "has_role",
    "home_page",
    "is_own_submission",
    "min_group_size",
    "notification_attachment_register",
    "notification_channel",
    "notification_exists",
    "notification_send",
    "notifications_anonymise",
    "notifications_digest_enqueue",
    "notifications_of",
    "outbox_enqueue",
    "outbox_id_of",
    "outbox_mark_completed",
    "outbox_pending",
    "outbox_record_failure",
    "page_revisions_update",
    "parse_id",
    "recipient_language",
    "search_words",
    "spreadsheet_response",
    "suppressed_cells",
    "user_roles",
    "validate_tabular_upload",
    "validate_text_upload",
    "xlsx_response",
]

DEMO_ACCOUNTS = demo.DEMO_ACCOUNTS


def has_role(user, *role_names: str) -> bool:
    """True when the user holds any of the roles (superusers hold them all)."""
    return roles.has_role(user, *role_names)


def user_roles(user) -> set[str]:
    """The names of the roles the user holds (cached under the roles version)."""
    return roles.user_roles(user)


def account_email_changed_notify(*, account, old_email: str, new_email: str) -> None:
    """Tell an account's replaced e-mail address of the change (for bulk updates, which send
    no signal: a saved account tells it by itself)."""
    from .accounts import account_email_changed_notify as notify

    notify(account=account, old_email=old_email, new_email=new_email)


def audit_log(*, instance: Model, action: str, user=None, data: dict | None = None) -> None:
    """Record a sensitive action on `instance` in Wagtail's audit log."""
    audit.audit_log(instance=instance, action=action, user=user, data=data)


def outbox_enqueue(*, task_name: str, kwargs: dict, dedupe_key: str | None = None) -> OutboxMessage:
    """Record a task in the caller's transaction; it is sent to Celery after commit."""
    return outbox.outbox_enqueue(task_name=task_name, kwargs=kwargs, dedupe_key=dedupe_key)


def outbox_mark_completed(*, message_id: int) -> None:
    """Mark an outbox message as done, so that the sweep does not send it again."""
    outbox.outbox_mark_completed(message_id=message_id)


def outbox_pending(*, task_name: str) -> QuerySet[OutboxMessage]:
    """The messages of a task not completed yet, oldest first."""
    return OutboxMessage.objects.filter(task_name=task_name, completed_at__isnull=True).order_by(
        "created_at"
    )


def cache_version(*, key: str, timeout: int | None = None) -> str:
    """The current version stored under `key` (created when missing)."""
    return cache.cache_version(key, timeout)


def bump_cache_version(*, key: str) -> None:
    """Give `key` a new version now and again after commit (old entries are never read)."""
    cache.bump_cache_version(key)


def page_revisions_update(*, page: Page, change: Callable[[Page], None]) -> None:
    """Apply `change` to the page's latest and live revisions, so a later edit keeps it."""
    pages.page_revisions_update(page=page, change=change)


def home_page() -> HomePage | None:
    """The site's home page (the root of the catalogue and the knowledge base)."""
    return HomePage.objects.first()


def demo_user(*, email: str) -> User:
    """The demo account with this e-mail."""
    return demo.demo_user(email)


def demo_account_ensure(
    *, email: str, first_name: str, last_name: str, roles: tuple | list = ()
) -> User:
    """Create (or leave as is) a verified demo account holding these roles."""
    return demo.ensure_account(email, first_name, last_name, roles)
