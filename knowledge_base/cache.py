"""Cached search results, keyed by a content version; rendered article bodies, keyed by
their content.

Publishing, unpublishing, moving or deleting an article, a system or a course, and marking an
article reviewed, bump the version (receivers.connect, services), so no result outlives the
content it came from. View restrictions and group membership are part of each key instead
(search.search_knowledge), and a timeout bounds anything a signal cannot see (a raw update,
a reindex). A lost cache only means misses (core.cache).
"""

import hashlib

from django.core.cache import cache

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
