"""Walk every URL pattern and page type, request each as each actor, compare with the table.

Shared with the every-page crawl (issue 14): `project_patterns()`, `project_page_models()`,
`classify()` and `Outcome` do not depend on the matrix itself.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ("config", "core", "courses", "assessments", "certificates", "people")
PROJECT_APPS += ("knowledge_base", "quality")
SNIPPET_NAMESPACE = re.compile(r"^wagtailsnippets_(?P<app>[a-z_]+?)_[a-z]+$")
LOGIN_PATHS = (
    "/cuenta/login/",
    "/cuenta/2fa/",
    "/cuenta/reauthenticate/",
    "/admin/login/",
    "/django-admin/login/",
)
# Tables a request may write without changing anything the matrix protects.
# Wagtail's editor bookkeeping (who has the edit form open, comment subscriptions) is written by
# opening an edit form; it is not content.
UNPROTECTED_TABLES = {
    "django_session",
    "wagtailadmin_editingsession",
    "wagtailcore_pagesubscription",
}


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route when the pattern has no name
    route: str
    name: str  # the reversible name ("" when none)
    module: str


def _module_of(callback) -> str:
    if isinstance(callback, functools.partial):
        callback = callback.func
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return view_class.__module__
    wrapped = getattr(callback, "__wrapped__", None)
    if wrapped is not None and getattr(callback, "__module__", "") == "functools":
        return getattr(wrapped, "__module__", "")
    return getattr(callback, "__module__", "") or ""


def all_patterns(resolver=None, prefix: str = "", namespaces: tuple[str, ...] = ()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from all_patterns(entry, prefix + str(entry.pattern), names)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield Pattern(
                key=name or route, route=route, name=name, module=_module_of(entry.callback)
            )


def is_project_pattern(pattern: Pattern) -> bool:
    root = pattern.module.split(".", 1)[0]
    if root in PROJECT_APPS:
        return True
    if root == "ninja" and pattern.name.startswith("people:"):
        return True  # django-ninja's views, routed by people's API
    namespace = pattern.name.split(":", 1)[0]
    match = SNIPPET_NAMESPACE.match(namespace)
    return bool(match and match["app"] in PROJECT_APPS)


def project_patterns() -> list[Pattern]:
    seen, found = set(), []
    for pattern in all_patterns():
        if is_project_pattern(pattern) and pattern.key not in seen:
            seen.add(pattern.key)
            found.append(pattern)
    return found


def project_page_models() -> list[type]:
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if m._meta.app_label in PROJECT_APPS]


def page_model_key(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def fill_route(route: str, kwargs: dict) -> str:
    def value(match):
        return str(kwargs[match["name"]])

    # re_path routes carry their anchors ("^admin/password_reset/"): the URL has none.
    return "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, route.replace("^", "").replace("$", ""))


# --- outcomes ----------------------------------------------------------------------------------

ALLOWED, REFUSED, SOFT, ERROR = "allowed", "refused", "soft refusal", "error"


def classify(response, *, method: str, changed: bool) -> str:
    """allowed: 2xx, or a redirect to anything but the login/second-factor pages; refused: 403,
    404, 405, 401 or a redirect to login. A POST that changed nothing and did not say no outright
    (a form error, a message and a redirect) is a soft refusal; 5xx is an error."""
    status = response.status_code
    if status >= 500:
        return ERROR
    if status in (401, 403, 404, 405, 410):
        return REFUSED
    if status in (301, 302, 303, 307, 308):
        path = urlparse(response.get("Location", "")).path
        # A POST that wrote and then sends to the sign-in page did its work and ended the
        # session ("sign out everywhere"): not a refusal.
        if (path.startswith(LOGIN_PATHS) or path == "/admin/") and not (
            method == "POST" and changed
        ):
            return REFUSED  # login, or Wagtail's "no permission" redirect to the dashboard
    if status in (400, 409, 422, 429):
        return SOFT if method == "POST" else REFUSED
    if method == "POST" and not changed:
        return SOFT
    return ALLOWED


# --- refused writes change nothing ----------------------------------------------------------


def _protected_tables() -> list[str]:
    return sorted(set(connection.introspection.table_names()) - UNPROTECTED_TABLES)


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>\w+)"?', re.I)


class WriteWatch:
    """Django's execute wrapper: the protected tables a request wrote to (cheap; the hashes
    below then say whether their content really changed)."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match["table"] not in UNPROTECTED_TABLES:
            self.tables.add(match["table"])
        return execute(sql, params, many, context)


def fingerprint(tables=None) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the rows of every protected table (or of `tables`)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(tables) if tables is not None else _protected_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


@dataclass
class Probe:
    """Requests made inside a savepoint that is rolled back, so each starts from the same
    data; reports which protected tables a request changed."""

    baseline: dict[str, tuple[int, str]] = field(default_factory=dict)

    def start(self) -> None:
        self.baseline = fingerprint()

    def request(self, client, method: str, url: str, data: dict | None = None):
        watch = WriteWatch()
        with transaction.atomic():
            with connection.execute_wrapper(watch):
                response = client.get(url) if method == "GET" else client.post(url, data or {})
            changed: list[str] = []
            if method == "POST" and watch.tables:
                now = fingerprint(watch.tables)
                changed = [t for t, value in now.items() if self.baseline.get(t) != value]
            body = b"".join(response.streaming_content) if response.streaming else response.content
            # Closing fires request_finished; as Django's test client does, keep it from closing
            # the test's database connection (PostgreSQL: the transaction would be lost).
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
            transaction.set_rollback(True)
        return response, body, changed


@dataclass
class Totals:
    patterns: int = 0
    page_types: int = 0
    requests: int = 0
    outcomes: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started
