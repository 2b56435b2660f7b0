from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit, checks, demo, navigation  # noqa: F401  (receivers, checks, nav items)
        from .hooks import demo_seeder_register
        from .roles import connect_role_receivers

        connect_role_receivers()
        demo_seeder_register(self.label, demo.seed)
