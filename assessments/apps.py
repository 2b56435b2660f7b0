from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.navigation import NavItem, register

        from . import hooks

        hooks.register()
        from core.roles import Role

        register(
            NavItem(
                key="assessments-mine",
                label=_("My quizzes"),
                url_name="assessments:mine",
                order=40,
                roles=(),
                description=_("The quizzes of your courses, your attempts and grades."),
                show_in_header=False,
            )
        )
        register(
            NavItem(
                key="assessments-results",
                label=_("Quiz results"),
                url_name="assessments:manage",
                order=60,
                roles=(Role.TRAINER, Role.ADMIN),
                description=_("Attempts, item statistics and regrading of the quizzes you manage."),
                show_in_header=False,
            )
        )
