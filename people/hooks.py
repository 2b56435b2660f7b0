"""The hooks people offers to the apps above it (the knowledge base proposes a handover).
People imports nothing from them.

Signals (both sent from `transaction.on_commit`, so a receiver never sees a change that is later
rolled back):

- `staff_status_changed` (kwargs: profile, old_status, new_status): HR changed a person's
  status (`people.api.StaffStatus`), e.g. announced them as leaving.
- `staff_moved` (kwargs: profile, old_unit, new_unit): a person moved to another unit.
"""

from django.dispatch import Signal

# kwargs: profile (StaffProfile), old_status (str), new_status (str)
staff_status_changed = Signal()

# kwargs: profile (StaffProfile), old_unit (OrgUnit), new_unit (OrgUnit)
staff_moved = Signal()
