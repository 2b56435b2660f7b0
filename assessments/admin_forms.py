"""Wagtail admin forms of the bank and quizzes: every choice a trainer is offered (courses,
categories, questions) comes from the selectors of what they may use, and a choice sent
outside them is refused beside its field (assessments.rules decides; nothing in templates)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm, SearchFilterMixin

from core.api import ChoiceIdsGuard, search_words
from courses import api as courses_api

from . import grading, rules, selectors
from .answer_forms import QuestionAnswers
from .models import QuestionCategory, QuestionTag


class QuestionCategoryAdminForm(ChoiceIdsGuard, WagtailAdminModelForm):
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


class QuestionAdminForm(ChoiceIdsGuard, WagtailAdminModelForm):
    """The question with its answers as rows per type (answer_forms): `Question.data` is
    built from the rows of the chosen type, never typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["category"].queryset = selectors.categories_editable_by(self.for_user)
        self.answers = QuestionAnswers(
            data=self.data if self.is_bound else None,
            qtype=self.instance.qtype,
            stored=self.instance.data,
        )

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("qtype")
        if qtype not in grading.TYPES:
            return cleaned
        data = self.answers.build(qtype)
        self.answers_invalid = data is None
        if data is None:
            self.add_error(None, _("Correct the answers: the errors are shown beside each one."))
            return cleaned
        try:
            self.instance.data = grading.validate_data(qtype, data)
        except grading.InvalidData:
            # The rows' own checks say why in Spanish; this is only a last guard.
            self.add_error(None, _("The answers do not fit this question type."))
        return cleaned

    def _update_errors(self, errors):
        # Question.clean reports on `data`, which the form shows as rows, not as a field.
        error_dict = getattr(errors, "error_dict", None)
        if error_dict and "data" in error_dict and "data" not in self.fields:
            data_errors = error_dict.pop("data")
            # When the rows have errors, they already say why (in Spanish, beside each row).
            if not getattr(self, "answers_invalid", False):
                error_dict.setdefault(NON_FIELD_ERRORS, []).extend(data_errors)
        super()._update_errors(errors)


class QuizAdminForm(ChoiceIdsGuard, WagtailAdminModelForm):
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


class QuestionPickerFilterForm(SearchFilterMixin, BaseFilterForm):
    """The filters of the quiz form's question picker: the trainer's categories (with their
    subcategories), a tag, and Wagtail's search box."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=QuestionCategory.objects.none(),
        required=False,
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    tag = forms.ChoiceField(
        label=_("Tag"),
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_visible_to(user)
        self.fields["tag"].choices = [("", _("All tags"))] + [
            (name, name) for name in selectors.question_tag_names(user)
        ]

    def clean_q(self):
        # Only words reach the search backend: SQLite's FTS5 answers 500 to a lone quote.
        return search_words(self.cleaned_data.get("q") or "")

    def filter(self, objects):
        # Category and tag narrow the queryset before the search (SearchFilterMixin) runs.
        category, tag = self.cleaned_data.get("category"), self.cleaned_data.get("tag")
        if category is not None:
            objects = objects.filter(
                category_id__in=selectors.category_descendant_ids([category.pk])
            )
        if tag:
            objects = objects.filter(
                pk__in=QuestionTag.objects.filter(tag__name=tag).values("content_object_id")
            )
        if category is not None or tag:
            self.is_searching = True
        return super().filter(objects)
