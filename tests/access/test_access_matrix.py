"""The access matrix in CI (issue 13 item 9): every URL pattern and page type has a declared
rule, and every actor gets what the rule says on B's objects.

Runs once per CI run, in the PostgreSQL run (`RELEVO_REQUIRE_SERVICES=1`); the SQLite run skips
it (marker `access_matrix`, see tests/access/conftest.py). Run it alone with
`pytest tests/access -m access_matrix --run-access-matrix -n 0 -s`.
"""

from __future__ import annotations

import re
import traceback

import pytest
from django.urls import reverse

from tests.access import matrix
from tests.access.roles import ANY, PUBLIC, Actor, World
from tests.access.walker import (
    ALLOWED,
    ERROR,
    REFUSED,
    SOFT,
    Probe,
    Totals,
    classify,
    fill_route,
    page_model_key,
    project_page_models,
    project_patterns,
)

pytestmark = pytest.mark.django_db


def test_every_project_pattern_and_page_type_has_a_rule():
    """Cheap, runs everywhere: adding a URL or a page type without a rule fails CI."""
    keys = {p.key for p in project_patterns()}
    missing = sorted(keys - set(matrix.RULES))
    stale = sorted(set(matrix.RULES) - keys)
    assert not missing, f"URL patterns without a rule in tests/access/matrix.py: {missing}"
    assert not stale, f"rules for URL patterns that no longer exist: {stale}"
    pages = {page_model_key(m) for m in project_page_models()}
    assert pages == set(matrix.PAGE_RULES), (
        f"page types without a rule: {sorted(pages - set(matrix.PAGE_RULES))}; "
        f"rules without a page type: {sorted(set(matrix.PAGE_RULES) - pages)}"
    )


def may(actor: Actor, grants) -> bool:
    for role, relation in grants:
        if relation == PUBLIC:
            return True
        if actor.is_anonymous:
            continue
        if role != matrix.SIGNED_IN and role not in actor.roles:
            continue
        if relation == ANY or relation in actor.relations:
            return True
    return False


def _value(world: World, spec: str):
    return spec[1:] if spec.startswith("=") else world.resolve(spec)


def _url(world: World, pattern, rule: matrix.Rule) -> str:
    kwargs = {name: _value(world, spec) for name, spec in rule.kwargs.items()}
    url = (
        reverse(pattern.name, kwargs=kwargs) if pattern.name else fill_route(pattern.route, kwargs)
    )
    if rule.query:
        query = re.sub(r"\{([\w.]+)\}", lambda m: str(world.resolve(m[1])), rule.query)
        url = f"{url}?{query}"
    return url


def _data(world: World, rule: matrix.Rule) -> dict:
    return {
        name: world.resolve(value[1:]) if value.startswith("@") else value
        for name, value in rule.data.items()
    }


def _last_frame(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "no traceback"
    frame = traceback.extract_tb(exc_info[2])[-1]
    return f"{exc_info[0].__name__}: {str(exc_info[1])[:120]} at {frame.filename}:{frame.lineno}"


class Run:
    def __init__(self, world: World):
        self.world = world
        self.probe = Probe()
        self.totals = Totals()
        self.leaks: dict[tuple[str, str, str], str] = {}
        self.denials: list[str] = []
        self.errors: dict[tuple[str, str, str], str] = {}
        self.dirty_refusals: list[str] = []

    def check(
        self, key: str, method: str, url: str, allowed_for, data=None, secret=None, sees=None
    ):
        for actor in self.world.actors.values():
            expected = may(actor, allowed_for)
            response, body, changed = self.probe.request(actor.client, method, url, data)
            outcome = classify(response, method=method, changed=bool(changed))
            self.totals.requests += 1
            self.totals.outcomes[outcome] += 1
            where = f"{method} {url} as {actor.name} -> {response.status_code}"
            if response.get("Location"):
                where += f" {response['Location']}"
            if outcome == ERROR:
                self.errors[(key, actor.name, method)] = f"{where}: {_last_frame(response)}"
                continue
            if expected:
                if outcome == REFUSED:
                    self.denials.append(where)
                elif (
                    secret
                    and sees is not None
                    and not may(actor, sees)
                    and str(secret).encode() in body
                ):
                    self.leaks[(key, actor.name, method)] = f"{where}: shows {secret!r}"
                continue
            if outcome == ALLOWED:
                self.leaks[(key, actor.name, method)] = f"{where} (changed {changed or 'nothing'})"
            elif changed:
                self.dirty_refusals.append(f"{where}: refused but changed {changed}")

    def patterns(self):
        for pattern in project_patterns():
            self.totals.patterns += 1
            entry = matrix.RULES[pattern.key]
            for rule in entry if isinstance(entry, tuple) else (entry,):
                url = _url(self.world, pattern, rule)
                secret = self.world.resolve(rule.secret) if rule.secret else None
                if rule.get is not None:
                    self.check(pattern.key, "GET", url, rule.get, secret=secret, sees=rule.sees)
                if rule.post is not None:
                    self.check(pattern.key, "POST", url, rule.post, data=_data(self.world, rule))

    def pages(self):
        for model in project_page_models():
            self.totals.page_types += 1
            key = page_model_key(model)
            rule = matrix.PAGE_RULES[key]
            page = self.world.resolve(rule.obj)
            self.check(f"{key}:live", "GET", page.url, rule.live)
            edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
            self.check(f"{key}:edit", "GET", edit, rule.edit)
            preview = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
            self.check(f"{key}:preview", "GET", preview, rule.preview)

    def defaults(self):
        for namespace, (url, rule) in matrix.DEFAULT_RULES.items():
            self.check(f"default:{namespace}", "GET", url, rule.get)


@pytest.mark.access_matrix
def test_access_matrix(access_world):
    run = Run(access_world)
    run.probe.start()
    run.patterns()
    run.pages()
    run.defaults()

    known = {(k.pattern, k.actor, k.method): k for k in matrix.KNOWN_LEAKS}
    found = set(run.leaks)
    new_leaks = sorted(found - set(known))
    fixed = sorted(set(known) - found)
    totals = run.totals
    print(
        f"\naccess matrix: {totals.patterns} patterns, {totals.page_types} page types, "
        f"{len(access_world.actors)} actors, {totals.requests} requests, "
        f"{totals.outcomes[REFUSED]} refusals, {totals.outcomes[SOFT]} soft refusals, "
        f"{totals.outcomes[ALLOWED]} allowed, {len(found)} leaks ({len(found & set(known))} "
        f"known), {len(run.denials)} wrongly refused, {len(run.errors)} errors, "
        f"{totals.seconds:.1f} s"
    )
    for key in sorted(found & set(known)):
        print(f"  known leak: {run.leaks[key]}  [{known[key].reason}]")
    for key in new_leaks:
        print(f"  NEW LEAK: {key} {run.leaks[key]}")
    for key in fixed:
        print(f"  FIXED (remove from KNOWN_LEAKS): {key}")
    for line in run.denials:
        print(f"  WRONGLY REFUSED: {line}")
    known_errors = {(k.pattern, k.actor, k.method): k for k in matrix.KNOWN_ERRORS}
    new_errors = sorted(set(run.errors) - set(known_errors))
    gone_errors = sorted(set(known_errors) - set(run.errors))
    for key in sorted(set(run.errors) & set(known_errors)):
        print(f"  known 500: {run.errors[key]}  [{known_errors[key].reason}]")
    for key in new_errors:
        print(f"  NEW 500: {key} {run.errors[key]}")
    for key in gone_errors:
        print(f"  FIXED 500 (remove from KNOWN_ERRORS): {key}")
    for line in run.dirty_refusals:
        print(f"  DIRTY REFUSAL: {line}")

    assert not new_errors, "server errors (5xx) not in KNOWN_ERRORS: see the lines above"
    assert not gone_errors, "KNOWN_ERRORS lists 500s that no longer occur: remove them"
    assert not run.dirty_refusals, "a refused request changed the database"
    assert not new_leaks, "leaks not in KNOWN_LEAKS"
    assert not fixed, "KNOWN_LEAKS lists leaks that no longer occur: remove them"
    assert not run.denials, "people refused what the matrix allows them"
