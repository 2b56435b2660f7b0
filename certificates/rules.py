"""Object rules of the certificates app (django-rules)."""

import rules

from core.api import Role, has_role

from .hooks import learner_scope_is_whole, learner_scope_q
from .models import Certificate


@rules.predicate
def is_certificate_manager(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or has_role(user, Role.ADMIN, Role.HR))
    )


@rules.predicate
def is_certificate_holder(user, certificate) -> bool:
    return certificate is not None and certificate.learner_id == getattr(user, "pk", None)


@rules.predicate
def learner_in_scope(user, certificate) -> bool:
    """The certificate's learner is one the manager may manage (certificates.hooks scope)."""
    return (
        certificate is not None
        and Certificate.objects.filter(pk=certificate.pk).filter(learner_scope_q(user)).exists()
    )


@rules.predicate
def manages_every_learner(user) -> bool:
    """Course-wide work (regenerating, failed issuances) is for managers with no scope."""
    return learner_scope_is_whole(user)


can_manage_certificate = is_certificate_manager & learner_in_scope

rules.add_perm("certificates.manage_certificates", is_certificate_manager)
rules.add_perm("certificates.manage_certificate", can_manage_certificate)
rules.add_perm(
    "certificates.manage_all_certificates", is_certificate_manager & manages_every_learner
)
rules.add_perm("certificates.download_certificate", is_certificate_holder | can_manage_certificate)
