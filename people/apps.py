from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Human resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates import hooks as certificates_hooks
        from core.api import Role
        from core.hooks import (
            NavItem,
            demo_seeder_register,
            nav_register,
            register_sso_staff_resolver,
            register_sso_unit_placer,
        )

        from . import (
            demo,
            tasks,  # noqa: F401  (registered for the outbox, which runs by name)
        )
        from . import rules as people_rules
        from . import sso as people_sso
        from .selectors import learner_ids_in_scope
        from .services import (
            requirement_validity_for_enrolment,
            staff_identifier,
            staff_place_from_sso,
        )

        nav_register(
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
        # HR requirement validity overrides the course's, and certificates carry the cédula
        # as the learner's identifier.
        certificates_hooks.register_validity_provider(requirement_validity_for_enrolment)
        certificates_hooks.register_identifier_provider(staff_identifier)
        # A scoped HR officer manages the certificates of the people in their units only.
        certificates_hooks.register_learner_scope(learner_ids_in_scope)
        # Single sign-on asks HR's data who may come in (core.accounts).
        register_sso_staff_resolver(people_sso.sso_staff_status)
        # ...and places a newcomer in the unit the provider names (settings.SSO_UNIT_CLAIM).
        register_sso_unit_placer(staff_place_from_sso)
        demo_seeder_register(self.label, demo.seed)
        self._connect_compliance_cache()

    def _connect_compliance_cache(self) -> None:
        """Every save or delete that can change a compliance count empties the dashboard's
        cached figures (people.cache); the bulk paths call `compliance_changed` themselves."""
        from django.db.models.signals import post_delete, post_save

        from certificates.api import Certificate
        from courses.api import Enrolment

        from .cache import compliance_changed
        from .models import CoverageRule, OrgUnit, Requirement, StaffProfile

        for model in (Certificate, Enrolment, StaffProfile, OrgUnit, Requirement, CoverageRule):
            for signal in (post_save, post_delete):
                signal.connect(
                    compliance_changed,
                    sender=model,
                    dispatch_uid=f"people-compliance-{model.__name__}-{signal is post_save}",
                )
