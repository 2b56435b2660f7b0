"""Every page works for every demo role: a breadth-first crawl from /inicio/ and /admin/ (the
admin sidebar's menu included), every admin page of every snippet model and page type, and every
URL pattern of the project filled with the demo's real ids. No 5xx; no English on Spanish pages.

Run once per CI run (tests/crawl/conftest.py): `RELEVO_CRAWL=1 pytest -m crawl tests/crawl -n 0`.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.admin.admin_url_finder import quote
from wagtail.models import Page, Revision

from core.demo import DEMO_ACCOUNTS
from tests.crawl import crawler

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

ROLES = {
    "funcionario@relevo.demo": "learner",
    "capacitador@relevo.demo": "trainer",
    "revisor@relevo.demo": "reviewer",
    "custodio@relevo.demo": "custodian",
    "talento@relevo.demo": "hr",
    "admin@relevo.demo": "administrator",
    None: "anonymous",
}
MAX_PAGES = 300
REPORTS: list[crawler.Report] = []


def _values() -> dict[str, list[str]]:
    """Real values for every URL parameter the project's patterns name."""
    from assessments.models import Attempt, Quiz
    from certificates.models import Certificate
    from courses.models import CoursePage, LessonPage
    from knowledge_base.models import ArticlePage, Handover, HandoverItem
    from people.models import OrgUnit, StaffProfile

    values: dict[str, list[str]] = {}
    for model in apps.get_models():
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            values[f"model:{model._meta.label_lower}"] = [quote(pk)]
    users = get_user_model().objects.filter(email__in=[a[0] for a in DEMO_ACCOUNTS])

    def ids(queryset, field="pk"):
        return [str(v) for v in queryset.values_list(field, flat=True)[:1]]

    course = CoursePage.objects.live().first()
    lesson = LessonPage.objects.child_of(course).live().first()
    values.update(
        {
            "user_id": ids(users.filter(email="funcionario@relevo.demo")),
            "course_id": [str(course.pk)],
            "lesson_id": [str(lesson.pk)],
            "slug": [course.slug],
            "course_slug": [course.slug],
            "lesson_slug": [lesson.slug],
            "quiz_id": ids(Quiz.objects.order_by("pk")),
            "attempt_uuid": ids(Attempt.objects.order_by("pk"), "uuid"),
            "article_id": ids(ArticlePage.objects.live()),
            "handover_id": ids(Handover.objects.order_by("pk")),
            "item_id": ids(HandoverItem.objects.order_by("pk")),
            "profile_id": ids(StaffProfile.objects.order_by("pk")),
            "fmt": ["csv"],
            "page_id": [str(course.pk)],
            "parent_page_id": [str(course.pk)],
            "page_to_move_id": [str(lesson.pk)],
            "destination_id": [str(course.pk)],
            "revision_id": ids(Revision.objects.filter(object_id=str(course.pk))),
            "app_label": ["courses"],
            "model_name": ["topic"],
            "app_name": ["courses"],
            "verificar:code": ids(Certificate.objects.order_by("pk"), "code"),
            "mis-certificados:code": ids(Certificate.objects.order_by("pk"), "code"),
            "certificados:code": ids(Certificate.objects.order_by("pk"), "code"),
            "talento-humano:code": ids(OrgUnit.objects.order_by("pk"), "code"),
            "talento-humano:pk": ids(StaffProfile.objects.order_by("pk")),
            "certificados:pk": ids(
                apps.get_model("certificates", "CertificateRegeneration").objects
            ),
        }
    )
    return values


def _page_admin_urls() -> list[str]:
    """Listing, add, edit, preview, history, revisions and compare of one page of every type."""
    urls = []
    for content_type_id in Page.objects.values_list("content_type", flat=True).distinct():
        page = Page.objects.filter(content_type=content_type_id).order_by("pk").first().specific
        meta = page._meta
        parent = page.get_parent()
        revision = Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk").first()
        urls += [
            f"/admin/pages/{page.pk}/",
            f"/admin/pages/{page.pk}/edit/",
            f"/admin/pages/{page.pk}/edit/preview/",
            f"/admin/pages/{page.pk}/history/",
            f"/admin/pages/{page.pk}/revisions/",
            f"/admin/pages/{page.pk}/revisions/compare/earliest...latest/",
            f"/admin/pages/{page.pk}/revisions/compare/earliest...live/",
            f"/admin/pages/{page.pk}/add_subpage/",
            f"/admin/pages/{page.pk}/usage/",
            f"/admin/pages/{page.pk}/delete/",
            f"/admin/pages/{page.pk}/copy/",
            f"/admin/pages/{page.pk}/move/",
            f"/admin/pages/{page.pk}/unpublish/",
            f"/admin/pages/{page.pk}/workflow_history/",
            f"/admin/pages/usage/{meta.app_label}/{meta.model_name}/",
        ]
        if parent is not None:
            urls.append(f"/admin/pages/add/{meta.app_label}/{meta.model_name}/{parent.pk}/")
        if revision is not None:
            urls += [
                f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/",
                f"/admin/pages/{page.pk}/revisions/{revision.pk}/revert/",
            ]
    return urls


def _snippet_admin_urls() -> list[str]:
    from wagtail.snippets.models import get_snippet_models

    urls = []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        urls.append(viewset.menu_url)
        urls.append(f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/add/")
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        base = f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}"
        pk = quote(obj.pk)
        urls += [f"{base}/{view}/{pk}/" for view in ("edit", "history", "usage", "delete")]
        urls += [f"{base}/inspect/{pk}/", f"{base}/copy/{pk}/"]
        revisions = list(
            Revision.objects.for_instance(obj).order_by("pk").values_list("pk", flat=True)
        )
        if revisions:
            urls.append(f"{base}/history/{pk}/revisions/{revisions[0]}/view/")
            urls.append(f"{base}/history/{pk}/revisions/compare/earliest...latest/")
    return urls


def _pattern_urls() -> tuple[list[str], int]:
    values = _values()
    urls, unfilled = [], 0
    for route, pattern in crawler.url_patterns():
        url = crawler.fill(route, pattern, values)
        if url is None:
            unfilled += 1
        elif not crawler.SKIPPED_PATHS.search(url):
            urls.append(url)
    return urls, unfilled


def _client_for(email: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if email is None:
        return client
    user = get_user_model().objects.get(email=email)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "crawl"}}
    )
    # force_login leaves allauth's records of a password and a passed TOTP (tests/core/signin.py)
    client.force_login(user)
    return client


@pytest.mark.parametrize("email", list(ROLES), ids=list(ROLES.values()))
def test_every_page_answers_in_spanish_without_a_server_error(demo, email):
    started = time.monotonic()
    client = _client_for(email)
    extra = _page_admin_urls() + _snippet_admin_urls()
    patterns, unfilled = _pattern_urls()
    report = crawler.Report(role=ROLES[email])
    crawler.crawl(client, report, ["/inicio/", "/admin/"], extra + patterns, MAX_PAGES)
    report.seconds = time.monotonic() - started
    REPORTS.append(report)
    print(
        f"\n[crawl] {report.role}: {report.pages} pages in {report.seconds:.1f}s, "
        f"statuses {dict(sorted(report.statuses.items()))}, {unfilled} patterns without ids"
    )
    for url, status, detail in report.errors:
        print(f"[crawl] {report.role} {status} {url}: {detail}")
    for text, pages in sorted(report.english.items()):
        print(f"[crawl] {report.role} English {text!r} on {sorted(pages)[:3]}")
    assert not report.errors, f"{len(report.errors)} pages answered 5xx as {report.role}"
    assert not report.english, (
        f"{len(report.english)} English strings on Spanish pages as {report.role}: "
        f"{sorted(report.english)[:20]}"
    )
