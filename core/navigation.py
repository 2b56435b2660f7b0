"""Navigation and dashboard links, filled in by each app in its AppConfig.ready().

Core cannot import the apps above it, so they register what they offer here: a link in the
header for the roles that may use it, and a card on the signed-in user's home.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, user_roles


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


def register(item: NavItem) -> None:
    _registry[item.key] = item


def items_for(user) -> list[NavItem]:
    return sorted(
        (item for item in _registry.values() if item.allowed(user)), key=lambda i: i.order
    )


def header_links(request) -> list[dict]:
    path = request.path
    links = []
    for item in items_for(request.user):
        url = item.url()
        if url and item.show_in_header:
            current = path == url or (url != "/" and path.startswith(url))
            links.append({"label": item.label, "url": url, "current": current, "key": item.key})
    return links


def dashboard_links(request) -> list[dict]:
    links = []
    for item in items_for(request.user):
        url = item.url()
        if url and item.on_dashboard and item.roles is not None:
            links.append({"label": item.label, "url": url, "description": item.description})
    return links


def _is_admin_user(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or bool(
            user_roles(user) & {Role.TRAINER, Role.REVIEWER, Role.CUSTODIAN, Role.ADMIN, Role.HR}
        )
    )


register(
    NavItem(
        key="wagtail-admin",
        label=_("Administration"),
        url_name="wagtailadmin_home",
        order=900,
        description=_("Write and review courses, articles and question banks; see workflows."),
        visible=_is_admin_user,
    )
)
