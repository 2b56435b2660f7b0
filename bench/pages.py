"""Insert many Wagtail pages at once.

`Page.add_child` costs a dozen queries per page (validation, tree bookkeeping, search index);
fine for hundreds of pages, too slow for tens of thousands. Here the tree paths are computed
the way treebeard does, the base `wagtailcore_page` rows go in with `bulk_create` and the
specific rows (a multi-table child, which `bulk_create` refuses) with one multi-row INSERT per
batch. The search index is not touched: the benchmark runs `update_index` once at the end.
"""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

BATCH = 1000


@transaction.atomic
def bulk_add_children(parent: Page, pages: Sequence[Page]) -> list[Page]:
    """Append `pages` (unsaved instances of one specific page model) as live children of
    `parent`, in order. Returns them with primary keys and paths set."""
    if not pages:
        return []
    model = type(pages[0])
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    depth = parent.depth + 1
    last_child = Page.objects.filter(path__startswith=parent.path, depth=depth).order_by("-path")
    last_path = last_child.values_list("path", flat=True).first()
    start = Page._str2int(last_path[-Page.steplen :]) if last_path else 0

    for offset, page in enumerate(pages, start=1):
        page.path = Page._get_path(parent.path, depth, start + offset)
        page.depth = depth
        page.numchild = 0
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = now

    base_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
    specific_fields = model._meta.local_concrete_fields
    for i in range(0, len(pages), BATCH):
        chunk = pages[i : i + BATCH]
        bases = Page.objects.bulk_create(
            [Page(**{name: getattr(p, name) for name in base_fields}) for p in chunk]
        )
        for page, base in zip(chunk, bases, strict=True):
            page.id = page.page_ptr_id = base.pk
            page._state.adding = False
        model._base_manager._insert(chunk, fields=specific_fields, raw=True)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return list(pages)
