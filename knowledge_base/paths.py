"""Public URLs of pages from their url_path, in bulk (one query for the site, none per page)."""

from wagtail.models import Site


def page_url_prefix() -> str:
    """The url_path of the default site's root, to turn url_path into a public URL in bulk."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


def url_from_path(url_path: str, prefix: str) -> str:
    if url_path.startswith(prefix):
        return "/" + url_path[len(prefix) :]
    return url_path
