"""Navigation and dashboard links: renders what the apps registered in `core.hooks`."""

from django.utils.translation import gettext_lazy as _

from .hooks import NavItem, items_for, nav_register
from .roles import Role, user_roles


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


nav_register(
    NavItem(
        key="wagtail-admin",
        label=_("Administration"),
        url_name="wagtailadmin_home",
        order=900,
        description=_("Write and review courses, articles and question banks; see workflows."),
        visible=_is_admin_user,
    )
)
