"""Loose side effects: notify course owners when a linked article changes; propose a handover
when HR marks someone as leaving; drop cached search results when searchable pages change."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.api import outbox_enqueue
from courses.api import CoursePage
from people import hooks as people_hooks
from people.api import StaffStatus

from .cache import bump_search_version
from .models import ArticlePage, SystemPage

NOTIFY_TASK = "knowledge_base.tasks.notify_article_changed"
HANDOVER_PROPOSE_TASK = "knowledge_base.tasks.propose_handover"


def _content_changed(revision) -> bool:
    try:
        previous = revision.get_previous()
    except revision.DoesNotExist:
        return False  # a first publication: no lesson can link it yet
    fields = ("title", "body", "summary")
    return any(revision.content.get(f) != previous.content.get(f) for f in fields)


def article_published(sender, instance, revision=None, **kwargs):
    if not isinstance(instance, ArticlePage) or revision is None:
        return
    if not _content_changed(revision):
        return
    outbox_enqueue(
        task_name=NOTIFY_TASK,
        kwargs={"article_id": instance.pk, "revision_id": revision.pk},
        dedupe_key=f"kb-article-changed-{revision.pk}",
    )


def staff_status_changed(sender, profile=None, old_status=None, new_status=None, **kwargs):
    """Sent in HR's transaction: record the handover proposal in the outbox. It runs after
    commit in a task; if the knowledge base fails there, HR's change stands and the sweep
    retries the proposal (handover_propose is idempotent)."""
    if (
        profile is not None
        and new_status == StaffStatus.LEAVING
        and old_status != StaffStatus.LEAVING
    ):
        outbox_enqueue(task_name=HANDOVER_PROPOSE_TASK, kwargs={"profile_id": profile.pk})


def connect() -> None:
    page_published.connect(
        article_published, sender=ArticlePage, dispatch_uid="kb_article_published"
    )
    for model in (ArticlePage, SystemPage, CoursePage):
        name = model.__name__
        for signal, event in ((page_published, "pub"), (page_unpublished, "unpub")):
            signal.connect(
                bump_search_version, sender=model, dispatch_uid=f"kb-search-{event}-{name}"
            )
        post_delete.connect(bump_search_version, sender=model, dispatch_uid=f"kb-search-del-{name}")
    # The article route cache holds only unrestricted pages: a new or changed restriction
    # anywhere must drop it (restrictions are rare).
    for signal in (post_save, post_delete):
        signal.connect(
            bump_search_version,
            sender=PageViewRestriction,
            dispatch_uid=f"kb-search-restriction-{signal is post_save}",
        )
    # A move can put a page under a view restriction or change its URL; moves are rare.
    post_page_move.connect(bump_search_version, dispatch_uid="kb-search-move")
    people_hooks.staff_status_changed.connect(
        staff_status_changed, dispatch_uid="kb_staff_status_changed"
    )
