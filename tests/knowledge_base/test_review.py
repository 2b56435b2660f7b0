from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from core.roles import Role
from knowledge_base.models import ArticlePage
from knowledge_base.services import review_reminders_send
from people.models import StaffProfile

from .factories import make_article, make_profile, make_system, make_unit

pytestmark = pytest.mark.django_db


def test_owner_marks_reviewed_records_who_and_when(client, custodian):
    article = make_article(owner=custodian, stale=True)
    client.force_login(custodian.user)
    response = client.post(reverse("knowledge_base:mark_reviewed", args=[article.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.last_reviewed_by == custodian.user
    assert timezone.localdate(article.last_reviewed_at) == timezone.localdate()
    assert article.review_due_on == timezone.localdate() + timedelta(days=180)
    assert not article.is_stale
    assert PageLogEntry.objects.filter(
        page=article, action="knowledge_base.article_reviewed"
    ).exists()
    assert custodian.user.get_full_name() in client.get(article.url).content.decode()


def test_review_stamp_survives_publishing_an_older_draft(custodian):
    article = make_article(owner=custodian, stale=True)
    draft = article.save_revision()
    from knowledge_base.services import article_mark_reviewed

    article_mark_reviewed(article_id=article.pk, user=custodian.user)
    draft.publish()
    article.refresh_from_db()
    assert article.last_reviewed_by == custodian.user
    assert not article.is_stale


@pytest.mark.parametrize("who", ["system_backup", "reviewer", "admin"])
def test_backup_reviewer_and_admin_may_mark_reviewed(client, custodian, who):
    backup = make_profile(Role.LEARNER)
    system = make_system(owners=[custodian], backups=[backup])
    article = make_article(owner=custodian, systems=[system], stale=True)
    user = {
        "system_backup": backup.user,
        "reviewer": make_profile(Role.REVIEWER).user,
        "admin": make_profile(Role.ADMIN).user,
    }[who]
    if who == "admin":
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    client.force_login(user)
    assert (
        client.post(reverse("knowledge_base:mark_reviewed", args=[article.pk])).status_code == 302
    )
    article.refresh_from_db()
    assert article.last_reviewed_by == user


def test_others_are_refused_and_nothing_changes(client, custodian, outsider):
    article = make_article(owner=custodian, stale=True)
    client.force_login(outsider.user)
    response = client.post(reverse("knowledge_base:mark_reviewed", args=[article.pk]))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.last_reviewed_by is None and article.is_stale
    assert (
        'action="' + reverse("knowledge_base:mark_reviewed", args=[article.pk])
        not in client.get(article.url).content.decode()
    )


def test_mark_reviewed_requires_post(client, custodian):
    article = make_article(owner=custodian)
    client.force_login(custodian.user)
    assert client.get(reverse("knowledge_base:mark_reviewed", args=[article.pk])).status_code == 405


def test_my_pending_reviews_lists_only_my_due_articles(client, custodian, outsider):
    mine = make_article(title="Mío vencido", owner=custodian, stale=True)
    make_article(title="Mío al día", owner=custodian)
    make_article(title="Ajeno vencido", owner=outsider, stale=True)
    client.force_login(custodian.user)
    html = client.get(reverse("knowledge_base:my_reviews")).content.decode()
    assert mine.title in html
    assert "Mío al día" not in html and "Ajeno vencido" not in html


@pytest.mark.parametrize("size", [1, 6])
def test_my_reviews_bounded_queries(client, custodian, django_assert_max_num_queries, size):
    for _ in range(size):
        make_article(owner=custodian, stale=True)
    client.force_login(custodian.user)
    with django_assert_max_num_queries(15):
        client.get(reverse("knowledge_base:my_reviews"))


def _remind(capture, **kwargs) -> int:
    with capture(execute=True):
        return review_reminders_send(**kwargs)


def test_reminder_goes_to_owner_once_a_week(custodian, django_capture_on_commit_callbacks):
    make_article(title="Procedimiento vencido", owner=custodian, stale=True)
    make_article(title="Procedimiento al día", owner=custodian)
    assert _remind(django_capture_on_commit_callbacks) == 1
    assert mail.outbox[0].to == [custodian.user.email]
    assert "Procedimiento vencido" in mail.outbox[0].body
    assert "Procedimiento al día" not in mail.outbox[0].body
    assert _remind(django_capture_on_commit_callbacks) == 0  # idempotent within the week
    assert len(mail.outbox) == 1
    next_week = timezone.localdate() + timedelta(days=7)
    assert _remind(django_capture_on_commit_callbacks, today=next_week) == 1
    assert len(mail.outbox) == 2


def test_reminder_goes_to_backup_when_owner_left_then_unit_head(
    django_capture_on_commit_callbacks,
):
    head = make_profile(Role.LEARNER)
    unit = make_unit(head=head)
    owner = make_profile(Role.CUSTODIAN, unit=unit, status=StaffProfile.Status.LEFT)
    backup = make_profile(Role.LEARNER)
    system = make_system(owners=[owner], backups=[backup])
    make_article(owner=owner, systems=[system], stale=True)
    orphan = make_article(owner=owner, stale=True)
    _remind(django_capture_on_commit_callbacks)
    recipients = {m.to[0]: m.body for m in mail.outbox}
    assert set(recipients) == {backup.user.email, head.user.email}
    assert orphan.title in recipients[head.user.email]


def test_one_email_per_person_lists_all_their_articles(
    custodian, django_capture_on_commit_callbacks
):
    titles = [f"Procedimiento vencido {n}" for n in range(3)]
    for title in titles:
        make_article(title=title, owner=custodian, stale=True)
    assert _remind(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Artículos por revisar en Relevo"
    assert all(title in mail.outbox[0].body for title in titles)


def test_smtp_failure_on_the_second_of_three_reminders_all_delivered_once_after_retry(
    flaky_smtp, django_capture_on_commit_callbacks
):
    from core.models import NotificationLog
    from core.notifications import notifications_digest_send

    flaky_smtp({2})
    owners = [make_profile(Role.CUSTODIAN) for _ in range(3)]
    for owner in owners:
        make_article(owner=owner, stale=True)
    assert _remind(django_capture_on_commit_callbacks) == 3
    assert len(mail.outbox) == 2
    failed = NotificationLog.objects.get(sent_at__isnull=True)
    assert "Connection unexpectedly closed" in failed.last_error
    assert _remind(django_capture_on_commit_callbacks) == 0  # the job again sends nothing
    assert len(mail.outbox) == 2
    later = failed.next_attempt_at + timedelta(seconds=1)
    assert notifications_digest_send(now=later) == 1
    assert notifications_digest_send(now=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.user.email for o in owners)


def test_management_command_and_beat_entry(custodian, django_capture_on_commit_callbacks):
    make_article(owner=custodian, stale=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("kb_review_reminders")
    assert len(mail.outbox) == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "knowledge_base.tasks.send_review_reminders" in tasks
    assert "knowledge_base.tasks.send_handover_reminders" in tasks


def test_new_article_form_is_prefilled_with_kind_template(client):
    from knowledge_base.article_templates import article_templates
    from knowledge_base.forms import ArticlePageForm

    from .factories import knowledge_index

    form_class = ArticlePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ArticlePageForm)
    form = form_class(instance=ArticlePage(), parent_page=knowledge_index())
    assert form.initial["body"] == article_templates()["runbook"]
    assert "data-kb-templates" in str(form["kind"])
    assert set(article_templates()) == set(ArticlePage.Kind.values)
