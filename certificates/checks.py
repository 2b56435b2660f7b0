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


@checks.register(checks.Tags.security, deploy=True)
def pkcs11_token_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A half-configured PKCS#11 token stops issuance (nothing is signed with a guess): say
    what is missing before the first certificate waits for it. Reads settings and the PIN
    file only; it never logs in (a wrong PIN counts towards locking the token)."""
    from .signing import pkcs11_problems

    problems = pkcs11_problems()
    if not problems:
        return []
    return [
        checks.Warning(
            "PKCS#11 signing is half configured: " + "; ".join(problems) + ".",
            hint=(
                "Set CERTIFICATE_SIGNING_PKCS11_MODULE (the vendor's .so), _TOKEN_LABEL, "
                "_KEY_LABEL (and _CERT_LABEL when the certificate's label differs) and one of "
                "_PIN / _PIN_FILE; or unset them all to sign with CERTIFICATE_SIGNING_P12_PATH. "
                "See docs/deployment.md, section 1."
            ),
            id="certificates.W003",
        )
    ]
