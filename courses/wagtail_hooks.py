from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_courses_log_actions(actions):
    actions.register_action(
        "relevo.course_assigned", _("Course assigned"), _("Course assigned to a learner")
    )
