"""Admin forms of the quality snippets.

`ChoiceIdsGuard` turns a chosen id that cannot be a database id (text, 20 digits) into a
field error: Wagtail's page chooser re-rendering "abc" raised ValueError, a 500. The gain
design's quizzes must belong to its own course (`_check_quizzes_of_the_course`, a method of
its own so that other checks of the design sit beside it)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.api import ChoiceIdsGuard


class GainDesignAdminForm(ChoiceIdsGuard, WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        self._check_quizzes_of_the_course(cleaned)
        return cleaned

    def _check_quizzes_of_the_course(self, cleaned: dict) -> None:
        course = cleaned.get("course")
        if course is None:
            return
        for name in ("pre_quiz", "post_quiz"):
            quiz = cleaned.get(name)
            if quiz is not None and quiz.course_id is not None and quiz.course_id != course.pk:
                self.add_error(
                    name,
                    _("This quiz belongs to another course: choose one of %(course)s.")
                    % {"course": course.title},
                )


class IndicatorAdminForm(ChoiceIdsGuard, WagtailAdminModelForm):
    pass
