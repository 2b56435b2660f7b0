"""Object rules of the knowledge base (django-rules)."""

import rules

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


rules.add_rule("knowledge_base.mark_reviewed", can_mark_reviewed)
rules.add_rule("knowledge_base.manage_handover", can_manage_handover)
rules.add_rule("knowledge_base.accept_handover_item", is_successor)
