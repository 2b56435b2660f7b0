"""Builders for the knowledge base tests: systems and articles (pages), units and custodians
(the shared tests/factories.py underneath)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from core.roles import Role
from knowledge_base.models import ArticlePage, KnowledgeIndexPage, SystemPage
from people.models import OrgUnit, StaffProfile
from tests.factories import StaffFactory, UserFactory, publish

_counter = itertools.count(1)


def knowledge_index() -> KnowledgeIndexPage:
    return KnowledgeIndexPage.objects.get()


def make_unit(name: str = "Dirección de Tecnologías", head=None) -> OrgUnit:
    n = next(_counter)
    unit = OrgUnit.add_root(name=f"{name} {n}", code=f"unit-{n}")
    if head is not None:
        unit.head = head
        unit.save(update_fields=["head"])
    return unit


def make_profile(*roles, unit=None, status=StaffProfile.Status.ACTIVE, manager=None, **user_kwargs):
    return StaffFactory(
        user=UserFactory(roles=list(roles) or [Role.LEARNER], **user_kwargs),
        unit=unit or make_unit(),
        status=status,
        manager=manager,
    )


def make_system(
    *, title=None, owners=(), backups=(), courses=(), user=None, **kwargs
) -> SystemPage:
    n = next(_counter)
    system = SystemPage(
        title=title or f"Sistema {n}",
        slug=f"sistema-{n}",
        purpose=kwargs.pop("purpose", "Gestiona información institucional."),
        **kwargs,
    )
    knowledge_index().add_child(instance=system)
    system.owners.set(list(owners))
    system.backups.set(list(backups))
    system.related_courses.set(list(courses))
    return publish(system, user)


def make_article(
    *,
    title=None,
    body="## Pasos\n\nTexto del procedimiento.",
    systems=(),
    owner=None,
    kind=ArticlePage.Kind.RUNBOOK,
    stale=False,
    user=None,
    tags=(),
    **kwargs,
) -> ArticlePage:
    n = next(_counter)
    article = ArticlePage(
        title=title or f"Artículo {n}",
        slug=f"articulo-{n}",
        body=body,
        kind=kind,
        content_owner=owner,
        **kwargs,
    )
    knowledge_index().add_child(instance=article)
    article.systems.set(list(systems))
    for tag in tags:
        article.tags.add(tag)
    publish(article, user)
    if stale:
        past = timezone.now() - timedelta(days=400)
        ArticlePage.objects.filter(pk=article.pk).update(
            last_reviewed_at=past, review_due_on=(past + timedelta(days=180)).date()
        )
        article.refresh_from_db()
    return article
