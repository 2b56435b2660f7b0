from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import failed_issuances
from .services import can_manage_all_certificates


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "relevo.certificate_issued", _("Certificate issued"), _("Certificate issued")
    )
    actions.register_action(
        "relevo.certificate_revoked", _("Certificate revoked"), _("Certificate revoked")
    )
    actions.register_action(
        "relevo.certificate_reissued", _("Certificate reissued"), _("Certificate reissued")
    )
    actions.register_action(
        "relevo.certificate_anonymised", _("Certificate anonymised"), _("Certificate anonymised")
    )


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [
        path(
            "certificados/emisiones-fallidas/",
            failed_issuances,
            name="certificates_failed_issuances",
        )
    ]


class _ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_all_certificates(request.user)


@hooks.register("register_reports_menu_item")
def register_failed_issuances_menu_item():
    return _ManagerMenuItem(
        _("Certificate issuance"),
        reverse("certificates_failed_issuances"),
        icon_name="warning",
        order=900,
    )
