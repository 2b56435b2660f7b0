"""The hooks people offers to the apps above it. People imports nothing from them.

Signals, both sent inside the transaction that makes the change. A receiver must not do its
work there (an error would fail HR's request, and work started after the commit could be lost):
it records a task with `core.api.outbox_enqueue`, which commits with the change, runs after
commit, and is retried by the outbox sweep until it succeeds.

- `staff_status_changed` (kwargs: profile, old_status, new_status): HR changed a person's
  status (`people.api.StaffStatus`), e.g. announced them as leaving.
- `staff_moved` (kwargs: profile, old_unit, new_unit): a person moved to another unit.

Registries (filled in the higher apps' AppConfig.ready):

- Personal-data sections: each returns what that app holds about a person, for the export.
- Person anonymisers: each removes a person from that app's records when they are
  anonymised; they run inside the anonymisation's transaction, so a failure undoes it all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

# kwargs: profile (StaffProfile), old_status (str), new_status (str)
staff_status_changed = Signal()

# kwargs: profile (StaffProfile), old_unit (OrgUnit), new_unit (OrgUnit)
staff_moved = Signal()

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
