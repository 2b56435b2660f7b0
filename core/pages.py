"""Changes written to a Wagtail page outside the editor (a handover moving ownership) must
survive the next edit or publish, which start from the latest revision: apply the same change
to the page's latest and live revisions, through Wagtail's own (de)serialisation."""

from collections.abc import Callable

from wagtail.models import Page, Revision


def page_revisions_update(*, page: Page, change: Callable[[Page], None]) -> None:
    page = Page.objects.select_related("latest_revision", "live_revision").get(pk=page.pk)
    revisions = {r.pk: r for r in (page.latest_revision, page.live_revision) if r is not None}
    for revision in revisions.values():
        snapshot = revision.as_object()
        change(snapshot)
        Revision.objects.filter(pk=revision.pk).update(content=snapshot.serializable_data())
