"""Start-up checks of the registries certificates offers (certificates.hooks)."""

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
