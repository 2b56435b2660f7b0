"""Announcements for the apps above people (the knowledge base proposes a handover).

Both are sent from `transaction.on_commit`, so a receiver never sees a change that is later
rolled back.
"""

from django.dispatch import Signal

# kwargs: profile (StaffProfile), old_status (str), new_status (str)
staff_status_changed = Signal()

# kwargs: profile (StaffProfile), old_unit (OrgUnit), new_unit (OrgUnit)
staff_moved = Signal()
