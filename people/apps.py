from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Human resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.navigation import NavItem, register
        from core.roles import Role

        from . import rules as people_rules
        from . import tasks  # noqa: F401  (registered for the outbox, which runs by name)

        register(
            NavItem(
                key="people",
                label=_("Human resources"),
                url_name="people:dashboard",
                order=500,
                roles=(Role.HR, Role.ADMIN),
                description=_(
                    "Organisation, staff, required trainings, compliance, coverage and exports."
                ),
                visible=lambda user: people_rules.can_use_hr(user),
            )
        )
        self._register_certificate_hooks()

    def _register_certificate_hooks(self) -> None:
        """HR requirement validity overrides the course's, and certificates carry the
        cédula as the learner's identifier."""
        from certificates.identity import register_identifier_provider
        from certificates.validity import register_validity_provider

        from .services import requirement_validity_for_enrolment, staff_identifier

        register_validity_provider(requirement_validity_for_enrolment)
        register_identifier_provider(staff_identifier)
