"""Start-up checks of the hooks core offers (core.hooks)."""

from django.apps import apps
from django.core import checks

from .hooks import BehaviourPage, page_behaviour_for, sso_staff_resolver


@checks.register()
def page_behaviours_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Mandatory: a page class that takes its context from its app (`BehaviourPage`) and has
    none registered would answer every visit with a server error."""
    return [
        checks.Error(
            f"No page behaviour is registered for {model._meta.label}.",
            hint=(
                f"Register it in {model._meta.app_config.__class__.__name__}.ready() with "
                "core.hooks.page_behaviour_register(); without it the page cannot be served."
            ),
            obj=model,
            id="core.E001",
        )
        for model in apps.get_models()
        if issubclass(model, BehaviourPage) and page_behaviour_for(model) is None
    ]


@checks.register()
def sso_staff_resolver_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Mandatory: single sign-on asks HR's data who may come in; without the resolver every
    SSO sign-in would fail."""
    if sso_staff_resolver() is not None:
        return []
    return [
        checks.Error(
            "No single sign-on staff resolver is registered.",
            hint="people.apps.PeopleConfig.ready() registers it with "
            "core.hooks.register_sso_staff_resolver().",
            id="core.E002",
        )
    ]
