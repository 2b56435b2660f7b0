"""Caches of the public catalogue and course pages, for anonymous visitors.

Two layers share one content version: whole rendered pages (`cached_public_page`), served
without touching the database, and template fragments for the requests the page cache skips
(a search, a visitor with pending messages). Publishing, unpublishing, moving or deleting a
course, a lesson or the catalogue, editing a topic or a page's privacy bumps the version (the
receivers are connected in apps.py), so no stale page survives a publication. What the pages
show from outside the page tree (trainers' names, other apps' related links) may lag by at
most PAGE_TIMEOUT. A lost cache only means misses (core.cache).
"""

import re
import uuid
from hashlib import sha256

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

VERSION_KEY = "courses:content-version"
FRAGMENT_TIMEOUT = 60 * 60
PAGE_TIMEOUT = 5 * 60
PAGE_KEY_PREFIX = "courses:page:"
# Query parameters a cached page may carry, and their shape: the catalogue's filters and page
# number. A free-text search (q), any other parameter or an odd value is rendered, not cached,
# so that visitors cannot fill the cache with arbitrary keys.
CACHEABLE_QUERY_PARAMETERS = {
    "tema": re.compile(r"[-a-z0-9]{1,100}"),
    "nivel": re.compile(r"[a-z]{1,20}"),
    "pagina": re.compile(r"[1-9][0-9]{0,3}"),
}
# The request flag the page's serve() sets when its response may be shared (see mark_shareable).
SHAREABLE_FLAG = "courses_page_shareable"

# Every visitor needs their own CSRF token (the language form in the footer posts): the cached
# copy holds a placeholder that each response replaces with the visitor's token.
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = "\x00csrf\x00"


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def bump_content_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def mark_shareable(request) -> None:
    """Called by a page's serve(): its response is the same for every anonymous visitor."""
    setattr(request, SHAREABLE_FLAG, True)


def _page_key(request) -> str | None:
    """The cache key of this request's page, or None when the response must not be shared."""
    if request.method != "GET" or request.user.is_authenticated:
        return None
    if len(get_messages(request)):
        # A pending "sign in to enrol" notice is this visitor's own.
        return None
    for name, values in request.GET.lists():
        shape = CACHEABLE_QUERY_PARAMETERS.get(name)
        if shape is None or len(values) != 1 or not shape.fullmatch(values[0]):
            return None
    identity = "|".join(
        [
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            translation.get_language() or "",
        ]
    )
    return PAGE_KEY_PREFIX + sha256(identity.encode()).hexdigest()


def cached_public_page(serve):
    """Wrap Wagtail's serve view: anonymous GETs of shareable pages come from the cache.

    The key is host, path, query string and active language; the stored copy carries the
    content version it was rendered under, read in the same round trip, so a bump makes every
    copy a miss at once. Only a 200 that set no cookie, showed no message and was marked
    shareable by its page is stored.
    """

    def view(request, path):
        key = _page_key(request)
        if key is None:
            return serve(request, path)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        entry = found.get(key)
        if version is not None and entry is not None and entry[0] == version:
            _version, content_type, body = entry
            return HttpResponse(
                body.replace(_CSRF_PLACEHOLDER, get_token(request)), content_type=content_type
            )
        response = serve(request, path)
        if (
            getattr(request, SHAREABLE_FLAG, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(get_messages(request), "added_new", False)
        ):
            if hasattr(response, "render"):
                response.render()
            body = _CSRF_INPUT.sub(rf"\g<1>{_CSRF_PLACEHOLDER}\g<2>", response.content.decode())
            cache.set(
                key,
                (version or content_version(), response["Content-Type"], body),
                PAGE_TIMEOUT,
            )
        return response

    return view
