"""Knowledge base models: pages (index, system, article), the approval task, handovers and
reminder bookkeeping. Re-exported here so that `knowledge_base.models.X` keeps working."""

from .handover import Handover, HandoverItem
from .pages import (
    ArticleAttachment,
    ArticlePage,
    ArticleTag,
    Criticality,
    InteroperabilityService,
    KnowledgeIndexPage,
    SystemEnvironment,
    SystemPage,
    SystemProvider,
)
from .workflow import SystemOwnerApprovalTask

__all__ = [
    "ArticleAttachment",
    "ArticlePage",
    "ArticleTag",
    "Criticality",
    "Handover",
    "HandoverItem",
    "InteroperabilityService",
    "KnowledgeIndexPage",
    "SystemEnvironment",
    "SystemOwnerApprovalTask",
    "SystemPage",
    "SystemProvider",
]
