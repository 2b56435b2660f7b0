"""Announcements for the apps above people (the knowledge base proposes a handover).

Both are sent inside the transaction that makes the change. A receiver must not do its work
there (an error would fail HR's request, and the work would be lost if it failed after the
commit): it records a task with `core.outbox.outbox_enqueue`, which commits with the change,
runs after commit, and is retried by the outbox sweep until it succeeds.
"""

from django.dispatch import Signal

# kwargs: profile (StaffProfile), old_status (str), new_status (str)
staff_status_changed = Signal()

# kwargs: profile (StaffProfile), old_unit (OrgUnit), new_unit (OrgUnit)
staff_moved = Signal()
