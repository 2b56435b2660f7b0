"""Who may see and change what in HR (django-rules predicates).

An HR officer with no HRScope sees the whole institution; with scopes, only those subtrees.
A manager sees the people who report to them. Administrators see everything.
"""

import rules
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver

from core.api import Role, has_role, user_roles

from .models import HRScope, OrgUnit, StaffProfile


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMIN)))


@rules.predicate
def is_hr(user) -> bool:
    return bool(user.is_authenticated and has_role(user, Role.HR))


def scope_paths(user) -> list[str] | None:
    """Paths of the subtrees an HR officer is limited to; None when not limited."""
    cached = getattr(user, "_relevo_hr_scope_paths", False)
    if cached is not False:
        return cached
    paths = list(HRScope.objects.filter(user=user).values_list("unit__path", flat=True))
    result = paths or None
    user._relevo_hr_scope_paths = result
    return result


@rules.predicate
def is_unscoped_hr(user) -> bool:
    return bool(is_admin(user) or (is_hr(user) and scope_paths(user) is None))


MANAGER_CACHE_SECONDS = 300


def _manager_key(user_id) -> str:
    return f"people:is-manager:{user_id}"


def manager_flag_refresh(user) -> bool:
    value = StaffProfile.objects.filter(manager__user=user).exists()
    cache.set(_manager_key(user.pk), value, MANAGER_CACHE_SECONDS)
    user._relevo_is_manager = value
    return value


def manager_flag_forget(*user_ids) -> None:
    cache.delete_many([_manager_key(pk) for pk in user_ids if pk])


@rules.predicate
def is_manager(user) -> bool:
    """Whether anyone reports to this user. Asked on every page (the header link), so it is
    cached: warmed at sign-in, forgotten when a manager changes, five minutes at most."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_relevo_is_manager", None)
    if cached is None:
        cached = cache.get(_manager_key(user.pk))
        if cached is None:
            return manager_flag_refresh(user)
        user._relevo_is_manager = cached
    return cached


@receiver(user_logged_in)
def _warm_manager_flag(sender, request, user, **kwargs):
    manager_flag_refresh(user)


@rules.predicate
def unit_in_scope(user, unit: OrgUnit | None) -> bool:
    if unit is None:
        return False
    if is_admin(user):
        return True
    if not is_hr(user):
        return False
    paths = scope_paths(user)
    return paths is None or any(unit.path.startswith(p) for p in paths)


@rules.predicate
def profile_visible(user, profile: StaffProfile | None) -> bool:
    if profile is None:
        return False
    if is_admin(user) or (is_hr(user) and unit_in_scope(user, profile.unit)):
        return True
    return bool(user.is_authenticated and profile.manager_id and profile.manager.user_id == user.pk)


def account_is_privileged(account) -> bool:
    """Staff, superuser or administrator accounts: HR officers never edit them."""
    return bool(account.is_staff or account.is_superuser or has_role(account, Role.ADMIN))


def account_is_plain_learner(account) -> bool:
    """An account holding no role but Funcionario, not staff, not superuser (as single sign-on
    creates them): the only kind HR may attach a staff profile to or re-identify."""
    if account.is_staff or account.is_superuser:
        return False
    return not (user_roles(account) - {Role.LEARNER.value})


def account_in_use(account) -> bool:
    """Someone already uses this account: it has a password, has signed in, or its owner
    verified an address besides the one HR gave it. HR then never changes its e-mail (a
    password reset to a new address would hand the account over); only an account not yet in
    use (an SSO-only placeholder HR created) may get a corrected address."""
    if account.has_usable_password() or account.last_login is not None:
        return True
    from allauth.account.models import EmailAddress

    return (
        EmailAddress.objects.filter(user=account, verified=True)
        .exclude(email__iexact=account.email)
        .exists()
    )


def may_edit_account(user, account) -> bool:
    """Administrators edit anyone's profile; HR never a privileged account."""
    return is_admin(user) or not account_is_privileged(account)


@rules.predicate
def profile_account_editable(user, profile: StaffProfile | None) -> bool:
    return profile is not None and may_edit_account(user, profile.user)


can_use_hr = is_admin | is_hr | is_manager
can_manage = is_admin | is_hr

rules.add_perm("people.use_hr", can_use_hr)
rules.add_perm("people.manage_hr", can_manage)
rules.add_perm("people.manage_unit", unit_in_scope)
rules.add_perm("people.view_profile", profile_visible)
rules.add_perm("people.change_profile", can_manage & profile_visible & profile_account_editable)
rules.add_perm("people.import_staff", can_manage)
rules.add_perm("people.manage_institution", is_unscoped_hr)
rules.add_perm("people.personal_data", is_admin)
# Accounts without a unit are outside every scope (people.selectors.unplaced_accounts).
rules.add_perm("people.place_unplaced", is_unscoped_hr)
