"""Cached search results, keyed by a content version; rendered article bodies, keyed by
their content.

Publishing, unpublishing, moving or deleting an article, a system or a course, and marking an
article reviewed, bump the version (receivers.connect, services), so no result outlives the
content it came from. View restrictions and group membership are part of each key instead
(search.search_knowledge), and a timeout bounds anything a signal cannot see (a raw update,
a reindex). A lost cache only means misses (core.cache).
"""

import copy
import hashlib

from django.core.cache import cache
from django.utils import translation

from core.api import bump_cache_version, cache_version

from .markdown import RENDERER_VERSION, RenderedMarkdown, render_markdown

VERSION_KEY = "knowledge_base:search-version"
RESULTS_TIMEOUT = 10 * 60


def search_version() -> str:
    return cache_version(key=VERSION_KEY)


def bump_search_version(**_kwargs) -> None:
    bump_cache_version(key=VERSION_KEY)


RENDERED_PREFIX = "knowledge_base:rendered"
RENDERED_TIMEOUT = 24 * 60 * 60


def rendered_key(body: str) -> str:
    digest = hashlib.sha256((body or "").encode()).hexdigest()
    return f"{RENDERED_PREFIX}:{RENDERER_VERSION}:{digest}"


def render_markdown_cached(body: str) -> RenderedMarkdown:
    """render_markdown, remembered by a hash of the Markdown itself: an edited body (a new
    publication, a preview of a draft) has a new key, so nothing needs invalidating, and
    RENDERER_VERSION retires every entry when the renderer's output would change. The
    timeout only lets bodies no longer served leave the cache."""
    key = rendered_key(body)
    hit = cache.get(key)
    if hit is not None:
        html, toc = hit
        return RenderedMarkdown(html=html, toc=toc)
    rendered = render_markdown(body)
    cache.set(key, (rendered.html, rendered.toc), RENDERED_TIMEOUT)
    return rendered


# --- the article page's route -----------------------------------------------------------------

ROUTE_KEY_PREFIX = "knowledge_base:article-route:"
ROUTE_TIMEOUT = 60 * 60


def _route_key(request, path: str) -> str:
    identity = "|".join([request.get_host(), path, translation.get_language() or ""])
    return ROUTE_KEY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()


def article_route(request, path: str, *, build):
    """The live article at `path`, as Wagtail's routing would find it, when neither it nor an
    ancestor has privacy settings other than "signed-in users" (the knowledge base usually
    has that one); else None, and Wagtail routes and checks the request itself.

    As the lesson's route (courses.cache.lesson_route): a hit is one cache round trip instead
    of the site lookup, the walk from the home page and the two privacy queries. The entry
    carries the search version it was built under, which publishing, unpublishing, moving or
    deleting a page, marking an article reviewed and any view restriction change bump, so no
    stale or newly restricted article is served from it. An anonymous visitor of an article
    that needs a sign-in is left to Wagtail (its sign-in redirect). `build(request, path)`
    returns (article, needs_login) or (None, False)."""
    key = _route_key(request, path)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or search_version()
    entry = found.get(key)
    if entry is None or entry[0] != version:
        article, needs_login = build(request, path)
        if article is None:
            # Only articles are remembered: arbitrary paths must not fill the cache.
            return None
        entry = (version, article, needs_login)
        cache.set(key, entry, ROUTE_TIMEOUT)
    _version, article, needs_login = entry
    if needs_login and not request.user.is_authenticated:
        return None
    article.knowledge_route_checked = True
    return article


def without_request_state(page):
    """A copy of a routed page for the cache: its fields, without its parent chain or anything
    Wagtail or a cached property remembered for this request."""
    clone = copy.copy(page)
    clone.__dict__ = {
        name: value
        for name, value in page.__dict__.items()
        if name not in {"_state", "_cached_parent_obj", "rendered"}
        and not name.startswith("_wagtail")
    }
    clone._state = copy.copy(page._state)
    clone._state.fields_cache = {}
    return clone
