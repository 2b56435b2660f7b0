"""Breadth-first crawl of the site as one person, plus every URL pattern filled with real ids.

Only GET (and HEAD-free) requests: a link that would sign out is never followed; confirmation
pages (delete, unpublish, revoke) are GET pages and are visited, their forms never sent.
"""

import json
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.crawl import english

SKIPPED_PATHS = re.compile(
    r"logout|/cerrar-sesion|^/static/|^/media/|^/django-admin/r/|^/admin/logout/"
    r"|/editing-sessions/|^/idioma/|^/admin/failwhale/"
)
PER_ROUTE = 1  # pages of one URL route (e.g. the edit view) crawled per person: one proves it


@dataclass
class Report:
    role: str
    pages: int = 0
    errors: list[tuple[str, int, str]] = field(default_factory=list)
    english: dict[str, set[str]] = field(default_factory=dict)  # string -> pages
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _route_key(path: str, query: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return "404:" + path
    params = ",".join(sorted(part.split("=")[0] for part in query.split("&") if part))
    if match.url_name == "wagtail_serve":
        # Wagtail serves the page tree: one key per tree level under the section.
        parts = [p for p in path.split("/") if p]
        return f"serve:{parts[:1]}:{len(parts)}?{params}"
    return f"{match.route}?{params}"


def links(document, base: str) -> list[str]:
    found = [a.get("href") for a in document.iter("a") if a.get("href")]

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "url" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in document.xpath('//script[@id="wagtail-sidebar-props"]'):
        walk(json.loads(script.text or "null"))
    result = []
    for href in found:
        url, _fragment = urldefrag(urljoin(base, href.strip()))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local and not SKIPPED_PATHS.search(parts.path):
            result.append(local)
    return result


def fetch(client: Client, url: str, report: Report) -> bytes | None:
    """GET the page; record a 5xx and English; return the HTML of a 200 HTML page."""
    started = time.monotonic()
    try:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    except Exception as error:  # a streamed body that fails is a 500 for the user
        report.errors.append((url, 500, f"{type(error).__name__}: {error}"))
        return None
    finally:
        report.pages += 1
        report.seconds += time.monotonic() - started
    report.statuses[response.status_code] += 1
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        detail = f"{exc[0].__name__}: {exc[1]}" if exc else content[:200].decode(errors="replace")
        report.errors.append((url, response.status_code, detail))
        return None
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    if not content.strip():
        return None
    document = english.parse(content)
    for text in english.english_on(document):
        report.english.setdefault(text, set()).add(url)
    return document


def crawl(client: Client, report: Report, starts: list[str], extra: list[str], limit: int):
    """Breadth-first from `starts`, then every URL of `extra` not seen yet."""
    seen: set[str] = set()
    per_route: Counter = Counter()
    queue = deque(starts)
    while queue and report.pages < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        key = _route_key(path, query)
        if per_route[key] >= PER_ROUTE:
            continue
        per_route[key] += 1
        document = fetch(client, url, report)
        if document is not None:
            queue.extend(link for link in links(document, url) if link not in seen)
    for url in extra:
        if url not in seen:
            seen.add(url)
            fetch(client, url, report)


# URL patterns filled with real ids -------------------------------------------------------------

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_patterns():
    """(route, pattern) of every URL pattern, routes joined from their includes."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern

    yield from walk(get_resolver().url_patterns, "")


def _model_of(pattern):
    callback = pattern.callback
    model = getattr(callback, "view_initkwargs", {}).get("model")
    if model is None:
        model = getattr(getattr(callback, "view_class", None), "model", None)
    return model if isinstance(model, type) and hasattr(model, "_meta") else None


def fill(route: str, pattern, values: dict[str, list[str]]) -> str | None:
    """The route with each parameter replaced by a real value; None when one is unknown or the
    route is a regular expression."""
    model = _model_of(pattern)
    result = route
    for converter, name in _PARAM.findall(route):
        choices = None
        if name in ("pk", "object_id") and model is not None:
            choices = values.get(f"model:{model._meta.label_lower}")
        if choices is None:
            choices = values.get(f"{route.split('/')[0]}:{name}") or values.get(name)
        if not choices:
            return None
        token = f"<{converter}:{name}>" if converter else f"<{name}>"
        result = result.replace(token, str(choices[0]), 1)
    if re.search(r"[()\[\]\\*+?|]", result):
        return None
    return "/" + result
