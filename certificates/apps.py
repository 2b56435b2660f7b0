from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.api import Role, notification_attachment_register
        from core.hooks import NavItem, demo_seeder_register, nav_register

        from . import checks, demo, receivers, tasks  # noqa: F401  (start-up checks; course_completed -> outbox; tasks registered for eager mode)
        from .notifications import PDF_ATTACHMENT, certificate_pdf_attachment
        from .panels import register_panels

        notification_attachment_register(name=PDF_ATTACHMENT, provider=certificate_pdf_attachment)

        nav_register(
            NavItem(
                key="my-certificates",
                label=_("My certificates"),
                url_name="certificates:mine",
                order=30,
                roles=(),
                description=_("Download your certificates and their digital credentials."),
            )
        )
        nav_register(
            NavItem(
                key="certificates-manage",
                label=_("Certificates"),
                url_name="certificates:manage",
                order=60,
                roles=(Role.ADMIN, Role.HR),
                description=_("Find, revoke, reissue and regenerate certificates."),
                show_in_header=False,
            )
        )
        register_panels()
        demo_seeder_register(self.label, demo.seed)
