from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit, navigation  # noqa: F401  (signal receivers, built-in nav items)
        from .accounts import connect_account_receivers
        from .roles import connect_role_receivers

        connect_role_receivers()
        connect_account_receivers()
