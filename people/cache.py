"""The compliance dashboard's figures, cached per scope and per day, invalidated by event.

What is stored are validity dates (certificates' `expires_on`, enrolments' `due_date`, hires
and moves); states (vigente, por vencer, vencido, pendiente, atrasado) are computed from them
for a given day (people.selectors.compliance_queryset). The cache keeps one day's counts:
its key carries that day, so the first request after midnight computes the morning's states
from the dates and a certificate that expired overnight counts as vencido without any write.

Every write that can change a count bumps one version (`compliance_changed`, connected in
people.apps to certificates, enrolments, staff, units, requirements and coverage rules, and
called by the bulk paths that bypass signals: the staff import, a unit move). A new version
makes every cached copy a miss, so no scope ever shows figures older than the last write
(`bump_cache_version` bumps again on commit, so a request that read before the commit cannot
keep its copy under the new version). A lost cache only means the figures are computed again.

Concurrent misses for one key are computed once (`_single_flight`): at 50,000 staff a miss is
seconds of PostgreSQL, and sixteen of them at once would queue the whole site behind them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from hashlib import sha256
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from core.api import bump_cache_version, cache_version

VERSION_KEY = "people:compliance-version"
FIGURES_KEY_PREFIX = "people:compliance-figures:"
# A backstop only: every change that matters bumps the version.
FIGURES_TIMEOUT = 60 * 60
BUILD_LOCK_SECONDS = 120
BUILD_WAIT_SECONDS = 30.0

# Fields of the rows whose change can move a person between states (saves that name other
# fields, such as an enrolment's last lesson or a certificate's PDF, leave the figures as
# they are and must not empty the cache on every lesson read).
RELEVANT_FIELDS = {
    "Certificate": {"status", "expires_on", "completed_on", "course", "learner", "enrolment"},
    "Enrolment": {"status", "due_date", "course", "learner"},
    "StaffProfile": {
        "unit",
        "status",
        "position",
        "start_date",
        "placed_on",
        "end_date",
        "user",
        "manager",
    },
}


def compliance_version() -> str:
    return cache_version(key=VERSION_KEY)


def compliance_changed(sender=None, update_fields=None, **_kwargs) -> None:
    """Receiver and direct call: the figures of every scope are stale from now on."""
    relevant = RELEVANT_FIELDS.get(getattr(sender, "__name__", ""))
    if relevant is not None and update_fields and not relevant.intersection(update_fields):
        return
    bump_cache_version(key=VERSION_KEY)


def figures_key(*parts: Any) -> str:
    """The cache key of one scope's figures today under the current version."""
    raw = repr((compliance_version(), timezone.localdate().isoformat(), *parts))
    return FIGURES_KEY_PREFIX + sha256(raw.encode()).hexdigest()


def cached_figures(parts: tuple, build: Callable[[], dict]) -> dict:
    """The figures for `parts` (what defines the scope), built once per version and day."""
    key = figures_key(*parts)
    figures = cache.get(key)
    if figures is None:
        figures = _single_flight(key, build)
    return figures


def _single_flight(key: str, build: Callable[[], dict]) -> dict:
    lock = f"{key}:building"
    if not cache.add(lock, 1, BUILD_LOCK_SECONDS):
        # Someone else is computing the same figures: wait for theirs rather than add a
        # second copy of the same seconds-long query.
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            figures = cache.get(key)
            if figures is not None:
                return figures
    try:
        figures = build()
        cache.set(key, figures, FIGURES_TIMEOUT)
    finally:
        cache.delete(lock)
    return figures
