from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Training quality")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.hooks import NavItem, demo_seeder_register, nav_register

        from . import demo, receivers, rules, tasks  # noqa: F401  (tasks: sent by name)

        receivers.connect()
        nav_register(
            NavItem(
                key="quality",
                label=_("Quality"),
                url_name="quality:matrix",
                order=600,
                description=_("Results matrix: indicators with baseline, target and evidence."),
                visible=rules.can_view_matrix,
            )
        )
        demo_seeder_register(self.label, demo.seed)
