"""Cached fragments of the public catalogue and course pages, for anonymous visitors.

Keys carry a content version; publishing or unpublishing a course, a lesson or the catalogue,
or editing a topic, bumps it (see signals receivers in apps.py), so no stale page survives a
publication. A lost cache only means misses (core.cache).
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "courses:content-version"
FRAGMENT_TIMEOUT = 60 * 60


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def bump_content_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
