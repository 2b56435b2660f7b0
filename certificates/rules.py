"""Object rules of the certificates app (django-rules)."""

import rules

from core.api import Role, has_role


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


rules.add_perm("certificates.manage_certificates", is_certificate_manager)
rules.add_perm("certificates.download_certificate", is_certificate_holder | is_certificate_manager)
