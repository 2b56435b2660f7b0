"""The hooks core offers to every app above it: navigation and dashboard links, and the
behaviour of an app's Wagtail pages (below).

Core cannot import the apps above it, so each registers what it offers in its
AppConfig.ready() with `nav_register(NavItem(...))`: a link in the header for the roles that
may use it, and a card on the signed-in user's home. `core.navigation` renders them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from .roles import user_roles


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 100
    # None: everyone; an empty tuple: any signed-in user; else any of these roles.
    roles: tuple[str, ...] | None = ()
    description: str = ""
    on_dashboard: bool = True
    show_in_header: bool = True
    visible: Callable | None = field(default=None, compare=False)

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None

    def allowed(self, user) -> bool:
        if self.visible is not None:
            return bool(self.visible(user))
        if self.roles is None:
            return True
        if not user.is_authenticated:
            return False
        if not self.roles:
            return True
        return bool(user_roles(user) & set(self.roles))


_registry: dict[str, NavItem] = {}


def nav_register(item: NavItem) -> None:
    """Add (or replace, by key) a navigation link and dashboard card."""
    _registry[item.key] = item


def items_for(user) -> list[NavItem]:
    return sorted(
        (item for item in _registry.values() if item.allowed(user)), key=lambda i: i.order
    )


# --- page behaviour ---------------------------------------------------------------------------
#
# A Wagtail page class lives in an app's models.py, at the bottom of the app, while what its
# page shows comes from the app's selectors and services, which import the models. So that the
# imports run one way, a page class using `BehaviourPage` asks this registry for its context
# and its pre-serve checks, and the app registers them in its AppConfig.ready(). A page class
# without its behaviour fails at start-up (core.checks), never at the first request.

PageContext = Callable[[Any, Any], dict]
BeforeServe = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class PageBehaviour:
    # (page, request) -> extra template context
    context: PageContext | None = None
    # (page, request) -> an HttpResponse to return instead of the page (a 404 is raised), or None
    before_serve: BeforeServe | None = None


_page_behaviours: dict[type, PageBehaviour] = {}


def page_behaviour_register(page_class: type, behaviour: PageBehaviour) -> None:
    """Give a page class (a `BehaviourPage`) its context and pre-serve checks."""
    _page_behaviours[page_class] = behaviour


def page_behaviour_for(page_class: type) -> PageBehaviour | None:
    return _page_behaviours.get(page_class)


class BehaviourPage:
    """Mixin for a Wagtail page class whose serving is registered by its app (see above)."""

    def _page_behaviour(self) -> PageBehaviour:
        behaviour = _page_behaviours.get(type(self))
        if behaviour is None:
            raise ImproperlyConfigured(f"No page behaviour registered for {type(self).__name__}")
        return behaviour

    def serve(self, request, *args, **kwargs):
        before_serve = self._page_behaviour().before_serve
        if before_serve is not None:
            response = before_serve(self, request)
            if response is not None:
                return response
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        extra = self._page_behaviour().context
        if extra is not None:
            context.update(extra(self, request))
        return context


# --- demo content -----------------------------------------------------------------------------
#
# `manage.py seed_demo` runs each app's demo seeder in the order the apps registered them:
# AppConfig.ready() runs in INSTALLED_APPS order, bottom layer first, so each app's demo builds
# on the ones below it. Core imports none of them.

DemoSeeder = Callable[[Any], None]  # seed(stdout)

_demo_seeders: dict[str, DemoSeeder] = {}


def demo_seeder_register(label: str, seed: DemoSeeder) -> None:
    """Add an app's demo seeder (idempotent: it may run on a seeded database)."""
    _demo_seeders[label] = seed


def demo_seeders() -> list[tuple[str, DemoSeeder]]:
    return list(_demo_seeders.items())


# --- who may come in through single sign-on ---------------------------------------------------
#
# Core decides the sign-in rules (core.accounts) but HR's data lives in `people`, above core.
# `people` registers in its AppConfig.ready() what it knows of an e-mail address; core.checks
# refuses to start without it, so that SSO never silently admits everyone.


class SSOStaffStatus:
    ACTIVE = "active"  # an imported member of staff who works here
    LEFT = "left"  # imported, but HR marked them as gone: refused
    UNKNOWN = "unknown"  # no staff profile for this e-mail


SSOStaffResolver = Callable[[str], str]  # (e-mail) -> an SSOStaffStatus value

_sso_staff_resolver: list[SSOStaffResolver] = []


def register_sso_staff_resolver(resolver: SSOStaffResolver) -> None:
    """Tell core what HR knows of the person behind an e-mail (one resolver; the last wins)."""
    _sso_staff_resolver[:] = [resolver]


def sso_staff_resolver() -> SSOStaffResolver | None:
    return _sso_staff_resolver[0] if _sso_staff_resolver else None


def sso_staff_status(email: str) -> str:
    resolver = sso_staff_resolver()
    if resolver is None:
        raise ImproperlyConfigured("No SSO staff resolver registered (core.hooks).")
    return resolver(email)


# --- the unit the identity provider names (settings.SSO_UNIT_CLAIM) -------------------------

SSOUnitPlacer = Callable[..., str]  # (account=, unit_code=, employee_id=) -> an outcome

_sso_unit_placer: list[SSOUnitPlacer] = []


def register_sso_unit_placer(placer: SSOUnitPlacer) -> None:
    """Tell core how a signed-in account is placed in the unit its provider names (one
    placer; the last wins). Without one, the claim is ignored."""
    _sso_unit_placer[:] = [placer]


def sso_unit_place(*, account, unit_code: str, employee_id: str = "") -> str | None:
    """The placer's outcome, or None when no app registered one."""
    if not _sso_unit_placer:
        return None
    return _sso_unit_placer[0](account=account, unit_code=unit_code, employee_id=employee_id)
