"""Sensitive actions recorded in Wagtail's audit log (Admin > Reports > Site history).

Other apps log their own actions with `audit_log(...)` after registering the action name in
their wagtail_hooks (`register_log_actions`).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from wagtail.log_actions import log

from .sso import sign_in_method

User = get_user_model()


def audit_title(instance) -> str:
    """The label stored with a log entry. Rows about a person (accounts, staff profiles, HR
    scopes, handovers) define `audit_label()` so that no name is stored as text: the site
    history shows who acted from the user row, which anonymisation replaces."""
    label = getattr(instance, "audit_label", None)
    return label() if callable(label) else str(instance)


def audit_log(*, instance, action: str, user=None, data: dict | None = None) -> None:
    log(instance=instance, action=action, user=user, data=data or {}, title=audit_title(instance))


@receiver(user_logged_in)
def _log_sign_in(sender, request, user, **kwargs):
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    # How: password, or single sign-on (oidc / saml) with the provider's id.
    method = sign_in_method(request) if request is not None else {}
    audit_log(instance=user, action="relevo.sign_in", user=user, data={"ip": ip, **method})


@receiver(user_login_failed)
def _log_failed_sign_in(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        audit_log(instance=user, action="relevo.sign_in_failed", data={"ip": ip})


@receiver(m2m_changed, sender=User.groups.through)
def _log_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit_log(
        instance=instance,
        action="relevo.roles_changed",
        data={"change": action.removeprefix("post_"), "roles": names},
    )
