from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeBaseConfig(AppConfig):
    name = "knowledge_base"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.navigation import NavItem, register

        from . import receivers, tasks  # noqa: F401  (tasks: registered with Celery)

        receivers.connect()
        register(
            NavItem(
                key="knowledge",
                label=_("Knowledge"),
                url_name="knowledge_base:home",
                order=40,
                roles=(),
                description=_(
                    "The institution's systems, their procedures and who knows them; search, "
                    "knowledge risk and experts."
                ),
            )
        )
        self._register_course_related()
        self._register_personal_data()

    @staticmethod
    def _register_personal_data() -> None:
        from people.hooks import register_person_anonymiser, register_personal_data_section

        from .selectors import personal_data_for
        from .services import person_remove_from_systems

        register_personal_data_section(
            "knowledge_base", lambda *, profile: personal_data_for(profile)
        )
        register_person_anonymiser(
            "knowledge_base_systems",
            lambda *, profile, user=None: person_remove_from_systems(
                profile_id=profile.pk, user=user
            ),
        )

    @staticmethod
    def _register_course_related() -> None:
        try:
            from courses.extensions import register_course_related
        except ImportError:  # courses' extension points not merged yet
            return
        from .selectors import related_systems_for_course

        register_course_related(related_systems_for_course)
