"""Caches of the public catalogue and course pages, and of what signed-in learners' pages
share: lesson routes and course outlines.

Two layers share one content version: whole rendered pages (`cached_public_page`), served
without touching the database, and template fragments for the requests the page cache skips
(a search, a visitor with pending messages). Publishing, unpublishing, moving or deleting a
course, a lesson or the catalogue, editing a topic or a page's privacy bumps the version (the
receivers are connected in apps.py), so no stale page survives a publication. What the pages
show from outside the page tree (trainers' names, other apps' related links) may lag by at
most PAGE_TIMEOUT. A lost cache only means misses (core.cache).

"Mi aprendizaje" is one learner's own: its rendered content is kept per learner under a
learner version (`learner_fragment`) that their enrolments, progress, attempts and
certificates bump when they change (receivers in each app), besides the content version.

Signed-in pages are never shared; what they have in common is: the lesson a path leads to
(`lesson_route`, instead of Wagtail's walk from the site's home page and its privacy check)
and a course's outline (`course_outline_rows`). Both carry the content version in their key.
"""

import copy
import re
from hashlib import sha256

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.api import bump_cache_version, cache_version

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
    return cache_version(key=VERSION_KEY)


def bump_content_version(**_kwargs) -> None:
    bump_cache_version(key=VERSION_KEY)


def fragment_cache_context(request) -> dict:
    """Anonymous visitors share cached fragments; signed-in users see their own progress."""
    anonymous = not request.user.is_authenticated and not getattr(request, "is_preview", False)
    return {
        "use_fragment_cache": anonymous,
        "fragment_version": content_version() if anonymous else "",
        "fragment_timeout": FRAGMENT_TIMEOUT,
    }


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


# --- signed-in learners ---------------------------------------------------------------------

ROUTE_KEY_PREFIX = "courses:lesson-route:"
OUTLINE_KEY_PREFIX = "courses:outline:"


def _route_key(request, path: str) -> str:
    identity = "|".join([request.get_host(), path, translation.get_language() or ""])
    return ROUTE_KEY_PREFIX + sha256(identity.encode()).hexdigest()


def lesson_route(request, path: str, *, build):
    """The live lesson at `path` (its course loaded), as Wagtail's routing would find it, when
    neither the lesson nor any ancestor has privacy settings; else None: Wagtail routes and
    checks the request itself.

    A hit costs one cache round trip instead of the site lookup, the walk from the home page
    and the two privacy queries. The entry carries the content version it was built under, so
    a publication anywhere in the course tree makes it a miss. The lesson is stored without
    its body: the rendered body has its own fragment cache, and a miss there loads the field.
    `build(request, path)` returns (lesson, its course's URL) or (None, None) on a miss.
    """
    key = _route_key(request, path)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or content_version()
    entry = found.get(key)
    if entry is None or entry[0] != version:
        entry = (version, *build(request, path))
        if entry[1] is None:
            # Only lessons are remembered: arbitrary paths must not fill the cache.
            return None
        cache.set(key, entry, FRAGMENT_TIMEOUT)
    _version, lesson, course_url = entry
    lesson.courses_route_checked = True
    lesson.courses_course_url = course_url
    lesson.courses_content_version = version
    return lesson


def without_request_state(page):
    """A copy of a routed page for the cache: its fields and the related objects it loaded,
    without its parent chain, its body or anything Wagtail remembered for this request."""
    clone = copy.copy(page)
    clone.__dict__ = {
        name: value
        for name, value in page.__dict__.items()
        if name not in {"body", "_state", "_cached_parent_obj", "course"}
        and not name.startswith("_wagtail")
    }
    clone._state = copy.copy(page._state)
    clone._state.fields_cache = dict(page._state.fields_cache)
    return clone


def course_outline_rows(course_id: int, version: str | None, *, load) -> list[tuple]:
    """A course's outline rows from `load()`, shared by every learner until the content
    version changes."""
    key = f"{OUTLINE_KEY_PREFIX}{course_id}:{version or content_version()}"
    rows = cache.get(key)
    if rows is None:
        rows = load()
        cache.set(key, rows, FRAGMENT_TIMEOUT)
    return rows


# --- one learner's own pages ------------------------------------------------------------------

LEARNER_VERSION_PREFIX = "courses:learner-version:"
LEARNER_FRAGMENT_PREFIX = "courses:learner-fragment:"
LEARNER_FRAGMENT_TIMEOUT = 60 * 60


def bump_learner_version(user_id: int | None) -> None:
    """Something a learner's own pages show changed."""
    if user_id:
        bump_cache_version(key=f"{LEARNER_VERSION_PREFIX}{user_id}")


def learner_changed(sender, instance, **_kwargs) -> None:
    """post_save / post_delete receiver for rows that carry `learner_id`."""
    bump_learner_version(getattr(instance, "learner_id", None))


def learner_fragment(request, name: str, render) -> str:
    """The rendered `name` fragment of the signed-in learner's page: `render()` once, then
    from the cache until the learner's data, the course content, the language or the day
    changes (due dates turn overdue at midnight). The CSRF token of any form in it is the
    visitor's own on every response."""
    user_id = request.user.pk
    version_key = f"{LEARNER_VERSION_PREFIX}{user_id}"
    found = cache.get_many([version_key, VERSION_KEY])
    learner_version = found.get(version_key) or cache_version(
        key=version_key, timeout=LEARNER_FRAGMENT_TIMEOUT
    )
    identity = "|".join(
        [
            name,
            str(user_id),
            learner_version,
            found.get(VERSION_KEY) or content_version(),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
        ]
    )
    key = LEARNER_FRAGMENT_PREFIX + sha256(identity.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = _CSRF_INPUT.sub(rf"\g<1>{_CSRF_PLACEHOLDER}\g<2>", str(render()))
        cache.set(key, html, LEARNER_FRAGMENT_TIMEOUT)
    return mark_safe(html.replace(_CSRF_PLACEHOLDER, get_token(request)))
