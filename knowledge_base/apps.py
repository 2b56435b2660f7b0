from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeBaseConfig(AppConfig):
    name = "knowledge_base"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.hooks import (
            NavItem,
            PageBehaviour,
            demo_seeder_register,
            nav_register,
            page_behaviour_register,
        )
        from courses import hooks as courses_hooks
        from people import hooks as people_hooks

        from . import demo, receivers, selectors, services, tasks  # noqa: F401  (tasks: registered with Celery)
        from .models import ArticlePage, KnowledgeIndexPage, SystemPage

        receivers.connect()
        nav_register(
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
        # Course pages list the systems that teach them (links stored once, on the system).
        courses_hooks.register_course_related(selectors.related_systems_for_course)
        page_behaviour_register(KnowledgeIndexPage, PageBehaviour(context=selectors.index_context))
        page_behaviour_register(SystemPage, PageBehaviour(context=selectors.system_context))
        page_behaviour_register(ArticlePage, PageBehaviour(context=selectors.article_context))
        demo_seeder_register(self.label, demo.seed)
        # Anonymising a person removes them from systems; their personal-data export lists
        # what they wrote, reviewed, handed over and own here.
        people_hooks.register_personal_data_section(
            "knowledge_base", lambda *, profile: selectors.personal_data_for(profile)
        )
        people_hooks.register_person_anonymiser(
            "knowledge_base_systems",
            lambda *, profile, user=None: services.person_remove_from_systems(
                profile_id=profile.pk, user=user
            ),
        )
