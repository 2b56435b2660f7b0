"""Start-up checks of the registries certificates offers (certificates.hooks)."""

from django.conf import settings
from django.core import checks

from . import hooks


@checks.register()
def learner_scope_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Mandatory: certificates cannot tell which learners an HR officer limited to some units
    may manage; without a registered scope they would manage every learner's certificates
    (list, PDF, revoke, reissue), so the managing pages refuse everyone but superusers."""
    if hooks.learner_scopes():
        return []
    return [
        checks.Error(
            "No learner scope for certificate managers is registered.",
            hint=(
                "people registers its HR scope (people.api.learner_ids_in_scope) with "
                "certificates.hooks.register_learner_scope in PeopleConfig.ready(). Without it "
                "a scoped HR officer would manage the certificates of the whole institution."
            ),
            id="certificates.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def timestamp_authority_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production signs certificates only with an RFC 3161 timestamp (PAdES B-LTA): without
    a TSA, issuance stops and every certificate stays pending."""
    if settings.DEBUG or settings.CERTIFICATE_TSA_URL:
        return []
    return [
        checks.Warning(
            "CERTIFICATE_TSA_URL is not set: certificates are not issued (they stay pending).",
            hint=(
                "Set CERTIFICATE_TSA_URL to the institution's RFC 3161 timestamp authority "
                "(and CERTIFICATE_TSA_USERNAME / CERTIFICATE_TSA_PASSWORD if it needs them), "
                "and add its root certificate to CERTIFICATE_TRUST_ROOTS."
            ),
            id="certificates.W002",
        )
    ]
