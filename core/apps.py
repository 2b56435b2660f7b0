from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit, checks, demo, navigation, tasks  # noqa: F401  (receivers, checks, nav items, tasks by name)
        from .accounts import connect_account_receivers
        from .hooks import demo_seeder_register
        from .outbox import outbox_receivers_connect
        from .roles import connect_role_receivers

        connect_role_receivers()
        connect_account_receivers()
        outbox_receivers_connect()
        demo_seeder_register(self.label, demo.seed)
