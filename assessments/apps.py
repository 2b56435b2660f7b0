from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.api import Role
        from core.hooks import NavItem, demo_seeder_register, nav_register

        from . import demo, registration, tasks  # noqa: F401  (tasks: the outbox sends them by name)

        registration.register()

        nav_register(
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
        nav_register(
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
        demo_seeder_register(self.label, demo.seed)
