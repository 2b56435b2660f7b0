"""Knowledge base's public API, for the one app above it (quality's indicators): counts only.

Read, never write: what share of the critical systems is known by enough people and has no
overdue runbook, and what share of the articles is reviewed on time.
"""

from __future__ import annotations

from datetime import date

from . import selectors

__all__ = ["articles_reviewed_on_time", "critical_systems_covered"]


def critical_systems_covered(*, on: date | None = None) -> tuple[int, int]:
    """(covered, total) over the live critical systems (any EGSI level high): covered when at
    least two active people know the system and none of its runbooks is overdue."""
    return selectors.critical_systems_covered(on=on)


def articles_reviewed_on_time(*, on: date | None = None) -> tuple[int, int]:
    """(on time, total) over the live articles that have a review date."""
    return selectors.articles_reviewed_on_time(on=on)
