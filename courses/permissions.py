"""Who may edit which course in the Wagtail admin.

Trainers hold add and change permissions on the catalogue (data migration 0003), which would let
any of them edit every course. This tester narrows it: someone who cannot publish there (a
trainer, not a reviewer or an administrator) may edit, delete, move, copy, or add lessons to a
course only when they are among its owners; lessons follow their course.
"""

from wagtail.models import PagePermissionTester

from .rules import is_course_owner


class CoursePermissionTester(PagePermissionTester):
    def __init__(self, user, page, course):
        super().__init__(user, page)
        self.course = course

    def is_restricted(self) -> bool:
        """True for an editor who cannot publish here (a trainer): ownership decides."""
        return not self.user.is_superuser and "publish" not in getattr(self, "permissions", set())

    def _owns(self) -> bool:
        return self.course is not None and is_course_owner(self.user, self.course)

    def _allowed(self) -> bool:
        return not self.is_restricted() or self._owns()

    def can_edit(self):
        return self._allowed() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self._allowed() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_add_subpage(self):
        return self._allowed() and super().can_add_subpage()

    def can_unpublish(self):
        return self._allowed() and super().can_unpublish()

    def can_lock(self):
        return self._allowed() and super().can_lock()

    def can_move(self):
        return self._allowed() and super().can_move()

    def can_copy(self):
        return self._allowed() and super().can_copy()

    def can_view_revisions(self):
        return self._allowed() and super().can_view_revisions()
