"""Hooks people offers to the apps above it (filled in their AppConfig.ready).

- Personal-data sections: each returns what that app holds about a person, for the export.
- Person anonymisers: each removes a person from that app's records when they are
  anonymised; they run inside the anonymisation's transaction, so a failure undoes it all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_personal_data_sections: dict[str, Callable[..., Any]] = {}
_anonymisers: dict[str, Callable[..., Any]] = {}


def register_personal_data_section(name: str, collect: Callable[..., Any]) -> None:
    """`collect(profile=StaffProfile)` returns JSON-serialisable data under `name`."""
    _personal_data_sections[name] = collect


def register_person_anonymiser(name: str, anonymise: Callable[..., Any]) -> None:
    """`anonymise(profile=StaffProfile, user=User | None)` removes the person from `name`."""
    _anonymisers[name] = anonymise


def personal_data_sections() -> dict[str, Callable[..., Any]]:
    return dict(_personal_data_sections)


def person_anonymisers() -> dict[str, Callable[..., Any]]:
    return dict(_anonymisers)
