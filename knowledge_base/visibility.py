"""Which pages a user may see: live pages outside any Wagtail view restriction they fail.

Listings and search use `exclude_restricted(queryset, user)`; the page itself is guarded by
Wagtail's own view restriction check when served."""

from django.db.models import Q
from wagtail.models import PageViewRestriction

from core.api import user_roles


def _restrictions_failed_by(user) -> list[str]:
    cached = getattr(user, "_kb_failed_restriction_paths", None)
    if cached is not None:
        return cached
    is_authenticated = bool(getattr(user, "is_authenticated", False))
    # Group names are unique; user_roles reads them once per request for every role check too.
    group_names = user_roles(user)
    paths = []
    for restriction in (
        PageViewRestriction.objects.select_related("page")
        .only("restriction_type", "page__path")
        .prefetch_related("groups")
    ):
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            passed = is_authenticated
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            passed = is_authenticated and (
                user.is_superuser or bool(group_names & {g.name for g in restriction.groups.all()})
            )
        else:
            # Shared-password pages never appear in listings or search.
            passed = False
        if not passed:
            paths.append(restriction.page.path)
    if is_authenticated:
        user._kb_failed_restriction_paths = paths
    return paths


def restricted_q(user) -> Q | None:
    paths = _restrictions_failed_by(user)
    if not paths:
        return None
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def exclude_restricted(queryset, user):
    q = restricted_q(user)
    return queryset.exclude(q) if q is not None else queryset


def restricted_paths(user) -> list[str]:
    return list(_restrictions_failed_by(user))


def drop_restricted(pages, user) -> list:
    """exclude_restricted for pages already loaded."""
    paths = tuple(_restrictions_failed_by(user))
    return [page for page in pages if not page.path.startswith(paths)] if paths else list(pages)
