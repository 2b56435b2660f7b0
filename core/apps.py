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
        _label_wagtail_page_fields()


def _label_wagtail_page_fields() -> None:
    """Wagtail declares the page field of its workflow and group-permission forms without a
    label, so Django derives an untranslatable "Page" from the name; give it Wagtail's own
    translated "Page" (Spanish admin: /admin/workflows/add/, a group's page permissions).
    Done once at start-up, on Wagtail's form classes: there is no setting for it."""
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.users.forms import PagePermissionsForm

    from .permission_names import permission_label

    for form in (WorkflowPageForm, PagePermissionsForm):
        form.base_fields["page"].label = _("Page")
    # The page permissions' checkboxes print str(Permission), its stored English name.
    PagePermissionsForm.base_fields["permissions"].label_from_instance = permission_label
