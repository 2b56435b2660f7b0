"""The access matrix in CI (issue 13 item 9): every URL pattern and page type has a declared
rule, and every actor gets what the rule says on B's objects.

Runs once per CI run, in the PostgreSQL run (`RELEVO_REQUIRE_SERVICES=1`); the SQLite run skips
it (marker `access_matrix`, see tests/access/conftest.py). Run it alone with
`RELEVO_ACCESS_MATRIX=1 pytest tests/access -n 0 -s` (add DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import logging
import re
import traceback
import warnings

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.access import matrix
from tests.access.roles import ANY, PUBLIC, Actor, World, sign_in
from tests.access.walker import (
    ALLOWED,
    ERROR,
    REFUSED,
    SOFT,
    Probe,
    Totals,
    classify,
    fill_route,
    fingerprint,
    page_model_key,
    project_page_models,
    project_patterns,
)

pytestmark = pytest.mark.django_db


class AccessMatrixTotals(UserWarning):
    """Not a problem: the matrix's totals, carried to the terminal summary."""


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
            if role == matrix.VISITOR:
                return True
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


# The second of each pair, skipped where no object is involved.
TWINS = {"learner_b", "trainer_owner", "manager_b", "custodian_owner"}


def _signed_in(response) -> bool:
    request = getattr(response, "wsgi_request", None)
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


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
        self.denials: dict[tuple[str, str, str], str] = {}
        self.errors: dict[tuple[str, str, str], str] = {}
        self.dirty_refusals: list[str] = []
        self.missing: list[str] = []

    def check(
        self,
        key,
        method,
        url,
        allowed_for,
        data=None,
        secret=None,
        sees=None,
        twins=True,
        signs_out=False,
    ):
        for actor in self.world.actors.values():
            if not twins and actor.name in TWINS:
                continue
            expected = may(actor, allowed_for)
            response, body, changed = self.probe.request(actor.client, method, url, data)
            if signs_out and not actor.is_anonymous:
                self.sign_in_again(actor)
            outcome = classify(response, method=method, changed=bool(changed))
            self.totals.requests += 1
            self.totals.outcomes[outcome] += 1
            where = f"{method} {url} as {actor.name} -> {response.status_code}"
            if response.get("Location"):
                where += f" {response['Location']}"
            if actor.is_anonymous and _signed_in(response):
                # Whatever the status: a door that opens a session to a visitor is a leak.
                self.leaks[(key, actor.name, method)] = f"{where}: opened a session"
                continue
            if outcome == ERROR:
                self.errors[(key, actor.name, method)] = f"{where}: {_last_frame(response)}"
                continue
            if expected:
                if outcome == REFUSED:
                    self.denials[(key, actor.name, method)] = where
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

    def sign_in_again(self, actor: Actor) -> None:
        """The request ended the actor's session (rolled back in the database, but the client
        holds the new anonymous cookie): sign in again, and take the user row's new last_login
        into the baseline so that later requests are not blamed for it."""
        sign_in(actor.client, actor.user)
        self.probe.baseline.update(fingerprint({get_user_model()._meta.db_table}))

    def patterns(self):
        for pattern in project_patterns():
            self.totals.patterns += 1
            entry = matrix.RULES.get(pattern.key)
            if entry is None:
                self.missing.append(pattern.key)  # failed on below, after the walk
                continue
            for rule in entry if isinstance(entry, tuple) else (entry,):
                url = _url(self.world, pattern, rule)
                secret = self.world.resolve(rule.secret) if rule.secret else None
                # Without an object or a secret, A and B stand alike: one of each pair will do.
                twins = bool(rule.kwargs or rule.secret or rule.query)
                if rule.get is not None:
                    self.check(
                        pattern.key,
                        "GET",
                        url,
                        rule.get,
                        secret=secret,
                        sees=rule.sees,
                        twins=twins,
                    )
                if rule.post is not None:
                    data = _data(self.world, rule)
                    self.check(
                        pattern.key,
                        "POST",
                        url,
                        rule.post,
                        data=data,
                        twins=twins,
                        signs_out=rule.signs_out,
                    )

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
            self.check(f"default:{namespace}", "GET", url, rule.get, twins=False)


def _against(found: dict, known_list, seen: str, new: str) -> tuple[list, list]:
    """Print what was found against a KNOWN_* list; return (not listed, listed but gone)."""
    known = {(k.pattern, k.actor, k.method): k for k in known_list}
    for key in sorted(set(found) & set(known)):
        print(f"  {seen}: {found[key]}  [{known[key].reason}]")
    unlisted = sorted(set(found) - set(known))
    for key in unlisted:
        print(f"  {new}: {key} {found[key]}")
    gone = sorted(set(known) - set(found))
    for key in gone:
        print(f"  NO LONGER HAPPENS (remove from the list): {key}")
    return unlisted, gone


@pytest.mark.access_matrix
def test_access_matrix(access_world):
    run = Run(access_world)
    run.probe.start()
    # Every refusal and 500 is logged with a rendered traceback: thousands of them cost more
    # than the requests. The 500s are reported below from the responses themselves.
    logging.disable(logging.CRITICAL)
    try:
        run.patterns()
        run.pages()
        run.defaults()
    finally:
        logging.disable(logging.NOTSET)

    totals = run.totals
    summary = (
        f"access matrix: {totals.patterns} patterns, {totals.page_types} page types, "
        f"{len(access_world.actors)} actors, {totals.requests} requests, "
        f"{totals.outcomes[REFUSED]} refusals, {totals.outcomes[SOFT]} soft refusals, "
        f"{totals.outcomes[ALLOWED]} allowed, {len(run.leaks)} leaks "
        f"({len(matrix.KNOWN_LEAKS)} known), {len(run.denials)} wrongly refused, "
        f"{len(run.errors)} errors (5xx), {totals.seconds:.1f} s"
    )
    print(f"\n{summary}")
    # Under xdist (`make test-services`) a passing test's output is not shown; pytest's warnings
    # summary is, so the CI log always carries the totals.
    warnings.warn(AccessMatrixTotals(summary), stacklevel=1)
    new_leaks, fixed = _against(run.leaks, matrix.KNOWN_LEAKS, "known leak", "NEW LEAK")
    new_denials, gone_denials = _against(
        run.denials, matrix.KNOWN_DENIALS, "known denial", "WRONGLY REFUSED"
    )
    new_errors, gone_errors = _against(run.errors, matrix.KNOWN_ERRORS, "known 500", "NEW 500")
    for line in run.dirty_refusals:
        print(f"  DIRTY REFUSAL: {line}")

    assert not run.missing, f"URL patterns without a rule in tests/access/matrix.py: {run.missing}"
    assert not new_errors, "server errors (5xx) not in KNOWN_ERRORS: see the lines above"
    assert not gone_errors, "KNOWN_ERRORS lists 500s that no longer occur: remove them"
    assert not run.dirty_refusals, "a refused request changed the database"
    assert not new_leaks, "leaks not in KNOWN_LEAKS"
    assert not fixed, "KNOWN_LEAKS lists leaks that no longer occur: remove them"
    assert not new_denials, "people refused what the matrix allows them"
    assert not gone_denials, "KNOWN_DENIALS lists refusals that no longer occur: remove them"
