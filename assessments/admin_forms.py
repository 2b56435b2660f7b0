"""Wagtail admin forms of the bank and quizzes: every choice a trainer is offered (courses,
categories, questions) comes from the selectors of what they may use, and a choice sent
outside them is refused beside its field (assessments.rules decides; nothing in templates)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses import api as courses_api

from . import rules, selectors


class QuestionCategoryAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        self.fields["course"].queryset = selectors.courses_for_quizzes(user)
        self.fields["parent"].queryset = selectors.categories_visible_to(user)
        if not rules.is_admin(user):
            # Only administrators keep shared categories.
            self.fields["course"].required = True
            self.fields["course"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        parent, course = cleaned.get("parent"), cleaned.get("course")
        if (
            parent is not None
            and parent.course_id
            and parent.course_id != getattr(course, "pk", None)
        ):
            self.add_error(
                "parent", _("A subcategory belongs to the same course as its parent category.")
            )
        return cleaned


class QuestionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["category"].queryset = selectors.categories_editable_by(self.for_user)


class QuizAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["course"].queryset = selectors.courses_for_quizzes(self.for_user)

    def clean(self):
        cleaned = super().clean()
        lesson, user = cleaned.get("lesson"), self.for_user
        if lesson is not None and user is not None and not rules.is_admin(user):
            course = lesson.get_parent().specific
            if not courses_api.is_course_owner(user=user, course=course):
                self.add_error("lesson", _("You can only add quizzes to the courses you own."))
        return cleaned

    def is_valid(self):
        # The inline rows are validated after the quiz's own fields: check what they draw from
        # once they are clean. A trainer may use their courses' questions and shared ones.
        valid = super().is_valid()
        user = self.for_user
        if user is None or rules.is_admin(user):
            return valid
        for name, field in (("slots", "question"), ("random_slots", "category")):
            for form in self.formsets[name].forms:
                item = getattr(form, "cleaned_data", {}).get(field)
                if item is None or form.cleaned_data.get("DELETE"):
                    continue
                reach = (
                    selectors.category_descendant_ids([item.pk])
                    if name == "random_slots" and form.cleaned_data.get("include_subcategories")
                    else None
                )
                if not user.has_perm("assessments.view_bank_item", item) or (
                    reach and selectors.categories_hidden_from(user, reach)
                ):
                    form.add_error(
                        field, _("This question bank belongs to a course you do not own.")
                    )
                    valid = False
        return valid
