"""Admin panels of the question bank that Wagtail does not provide."""

from django import forms
from wagtail.admin.panels import Panel


class AnswersPanel(Panel):
    """The answers of a question as rows for its type (assessments.answer_forms), instead of
    the JSON field; the form (QuestionAdminForm) builds `Question.data` from them."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "assessments/admin/answers_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            answers = self.form.answers
            context.update(
                answers=answers,
                fields=answers.fields,
                choices=answers.formsets["choices"],
                short=answers.formsets["short"],
                numeric=answers.formsets["numeric"],
                pairs=answers.formsets["pairs"],
            )
            return context

        @property
        def media(self):
            return forms.Media(
                js=["assessments/question_form.js"],
                css={"all": ["assessments/question_form.css"]},
            )
