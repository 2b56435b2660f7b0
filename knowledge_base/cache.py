"""Cached search results, keyed by a content version.

Publishing, unpublishing, moving or deleting an article, a system or a course, and marking an
article reviewed, bump the version (receivers.connect, services), so no result outlives the
content it came from. View restrictions and group membership are part of each key instead
(search.search_knowledge), and a timeout bounds anything a signal cannot see (a raw update,
a reindex). A lost cache only means misses (core.cache).
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "knowledge_base:search-version"
RESULTS_TIMEOUT = 10 * 60


def search_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def bump_search_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
