"""The hooks people offers to the apps above it (the knowledge base proposes a handover).
People imports nothing from them.

Signals, both sent inside the transaction that makes the change. A receiver must not do its
work there (an error would fail HR's request, and work started after the commit could be lost):
it records a task with `core.api.outbox_enqueue`, which commits with the change, runs after
commit, and is retried by the outbox sweep until it succeeds.

- `staff_status_changed` (kwargs: profile, old_status, new_status): HR changed a person's
  status (`people.api.StaffStatus`), e.g. announced them as leaving.
- `staff_moved` (kwargs: profile, old_unit, new_unit): a person moved to another unit.
"""

from django.dispatch import Signal

# kwargs: profile (StaffProfile), old_status (str), new_status (str)
staff_status_changed = Signal()

# kwargs: profile (StaffProfile), old_unit (OrgUnit), new_unit (OrgUnit)
staff_moved = Signal()
