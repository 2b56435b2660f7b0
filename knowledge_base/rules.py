"""Object rules of the knowledge base (django-rules)."""

import rules

from core.api import Role, has_role

from .selectors import can_mark_reviewed as _can_mark_reviewed
from .services import can_manage_handover as check


@rules.predicate
def can_mark_reviewed(user, article) -> bool:
    return article is not None and _can_mark_reviewed(user, article)


@rules.predicate
def can_manage_handover(user, profile) -> bool:
    return profile is not None and check(user, profile)


@rules.predicate
def is_successor(user, item) -> bool:
    return item is not None and item.successor is not None and item.successor.user_id == user.pk


# Who may open the knowledge-risk dashboard (and so see it in the menu).
RISK_ROLES = (Role.CUSTODIAN, Role.HR, Role.REVIEWER, Role.ADMIN)


@rules.predicate
def can_view_risk(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or has_role(user, *RISK_ROLES))
    )


rules.add_perm("knowledge_base.view_risk", can_view_risk)
rules.add_rule("knowledge_base.mark_reviewed", can_mark_reviewed)
rules.add_rule("knowledge_base.manage_handover", can_manage_handover)
rules.add_rule("knowledge_base.accept_handover_item", is_successor)
