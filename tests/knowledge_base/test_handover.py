import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.roles import Role
from knowledge_base import receivers, services
from knowledge_base.models import ArticlePage, Handover, HandoverItem, SystemPage
from knowledge_base.selectors import knowledge_map
from knowledge_base.services import (
    handover_item_accept,
    handover_item_assign,
    handover_reminders_send,
    handover_start,
)
from people.models import StaffProfile

from .factories import make_article, make_profile, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(db):
    return make_profile(Role.HR)


@pytest.fixture
def leaving_owner(course_factory):
    owner = make_profile(Role.CUSTODIAN)
    other = make_profile(Role.CUSTODIAN)
    system = make_system(title="Apostilla virtual", owners=[owner, other])
    backed = make_system(title="Firma electrónica", backups=[owner], owners=[other])
    article = make_article(owner=owner, systems=[system])
    course = course_factory(owners=[owner.user])
    return owner, system, backed, article, course


def test_checklist_from_what_they_own(hr, leaving_owner):
    owner, system, backed, article, course = leaving_owner
    handover = handover_start(profile=owner, started_by=hr.user, reason="leaving")
    items = {(i.kind, i.page_id) for i in handover.items.all()}
    assert items == {
        ("system_owner", system.pk),
        ("system_backup", backed.pk),
        ("article_owner", article.pk),
        ("course_owner", course.pk),
    }
    assert ModelLogEntry.objects.filter(action="knowledge_base.handover_started").exists()


def test_successor_accepts_and_ownership_moves(hr, leaving_owner):
    owner, system, backed, article, course = leaving_owner
    successor = make_profile(Role.CUSTODIAN)
    handover = handover_start(profile=owner, started_by=hr.user)
    for item in handover.items.all():
        handover_item_assign(item=item, successor=successor, deadline=None, user=hr.user)
    for item in handover.items.all():
        handover_item_accept(item_id=item.pk, user=successor.user)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    system = SystemPage.objects.get(pk=system.pk)
    assert set(system.owners.all()) == {
        successor,
        *[p for p in system.owners.all() if p != successor],
    }
    assert owner not in system.owners.all() and successor in system.owners.all()
    assert successor in SystemPage.objects.get(pk=backed.pk).backups.all()
    assert ArticlePage.objects.get(pk=article.pk).content_owner == successor
    assert successor.user in course.__class__.objects.get(pk=course.pk).owners.all()
    # the editor's next draft starts from the new owners, not the old ones
    latest = SystemPage.objects.get(pk=system.pk).get_latest_revision_as_object()
    assert owner not in latest.owners.all() and successor in latest.owners.all()
    assert (
        ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().content_owner
        == successor
    )
    assert ModelLogEntry.objects.filter(action="knowledge_base.handover_completed").count() == 1


def test_risk_recomputed_after_handover(hr):
    owner = make_profile(Role.CUSTODIAN)
    system = make_system(title="Quipux", owners=[owner])
    row = knowledge_map(system_ids=[system.pk]).rows[0]
    assert row.at_risk and row.bus_factor == 1
    successor, second = make_profile(Role.CUSTODIAN), make_profile(Role.CUSTODIAN)
    SystemPage.backups.through.objects.create(systempage_id=system.pk, staffprofile_id=second.pk)
    handover = handover_start(profile=owner, started_by=hr.user)
    item = handover.items.get()
    handover_item_assign(item=item, successor=successor, deadline=None, user=hr.user)
    StaffProfile.objects.filter(pk=owner.pk).update(status="leaving")
    handover_item_accept(item_id=item.pk, user=successor.user)
    row = knowledge_map(system_ids=[system.pk]).rows[0]
    assert row.bus_factor == 2 and not row.at_risk


def test_only_hr_or_manager_starts_and_only_successor_accepts(hr, leaving_owner, outsider):
    owner = leaving_owner[0]
    with pytest.raises(PermissionDenied):
        handover_start(profile=owner, started_by=outsider.user)
    assert not Handover.objects.exists()
    manager = make_profile(Role.LEARNER)
    StaffProfile.objects.filter(pk=owner.pk).update(manager=manager)
    owner.refresh_from_db()
    handover = handover_start(profile=owner, started_by=manager.user)
    item = handover.items.first()
    successor = make_profile(Role.CUSTODIAN)
    with pytest.raises(PermissionDenied):
        handover_item_assign(item=item, successor=successor, deadline=None, user=outsider.user)
    handover_item_assign(item=item, successor=successor, deadline=None, user=manager.user)
    with pytest.raises(PermissionDenied):
        handover_item_accept(item_id=item.pk, user=outsider.user)
    assert HandoverItem.objects.get(pk=item.pk).status == "assigned"


def test_bad_input_is_refused_with_spanish_message(hr, leaving_owner):
    owner = leaving_owner[0]
    handover_start(profile=owner, started_by=hr.user)
    with pytest.raises(ValidationError) as exc:
        handover_start(profile=owner, started_by=hr.user)
    assert "ya tiene un traspaso en curso" in " ".join(exc.value.messages)
    item = Handover.objects.get().items.first()
    with pytest.raises(ValidationError) as exc:
        handover_item_assign(item=item, successor=owner, deadline=None, user=hr.user)
    assert "otra persona" in " ".join(exc.value.messages)
    left = make_profile(Role.LEARNER, status="left")
    with pytest.raises(ValidationError):
        handover_item_assign(item=item, successor=left, deadline=None, user=hr.user)
    assert HandoverItem.objects.get(pk=item.pk).successor is None


def test_leaving_signal_receiver_proposes_a_handover(
    leaving_owner, django_capture_on_commit_callbacks
):
    owner = leaving_owner[0]
    StaffProfile.objects.filter(pk=owner.pk).update(status=StaffProfile.Status.LEAVING)
    with django_capture_on_commit_callbacks(execute=True):
        receivers.staff_status_changed(
            sender=None, profile=owner, old_status="active", new_status="leaving"
        )
        assert not Handover.objects.exists()  # recorded in the outbox, run after commit
    with django_capture_on_commit_callbacks(execute=True):
        receivers.staff_status_changed(
            sender=None, profile=owner, old_status="active", new_status="leaving"
        )
    handover = Handover.objects.get()
    assert handover.status == Handover.Status.PROPOSED and handover.items.count() == 4


def test_people_signal_is_connected(leaving_owner, django_capture_on_commit_callbacks):
    from people import hooks as signals

    owner = leaving_owner[0]
    StaffProfile.objects.filter(pk=owner.pk).update(status=StaffProfile.Status.LEAVING)
    with django_capture_on_commit_callbacks(execute=True):
        signals.staff_status_changed.send(
            sender=StaffProfile, profile=owner, old_status="active", new_status="leaving"
        )
    assert Handover.objects.filter(profile=owner).exists()


def _mark_leaving(client, hr, owner):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=hr.user, type=Authenticator.Type.TOTP, defaults={"data": {}}
    )
    client.force_login(hr.user)
    return client.post(
        f"/talento-humano/personal/{owner.pk}/estado/",
        {"status": "leaving", "end_date": (timezone.localdate() + timedelta(days=20)).isoformat()},
    )


def test_a_knowledge_base_error_does_not_fail_hr_and_the_sweep_creates_the_handover(
    client, hr, leaving_owner, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from core.models import OutboxMessage
    from knowledge_base import services

    owner = leaving_owner[0]

    def broken(**kwargs):
        raise RuntimeError("knowledge base unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(services, "handover_start", broken)
        with django_capture_on_commit_callbacks(execute=True):
            response = _mark_leaving(client, hr, owner)
    assert response.status_code == 302  # HR's request succeeded
    owner.refresh_from_db()
    assert owner.status == StaffProfile.Status.LEAVING
    assert not Handover.objects.exists()
    message = OutboxMessage.objects.get(task_name=receivers.HANDOVER_PROPOSE_TASK)
    assert message.completed_at is None
    assert "knowledge base unavailable" in message.last_error
    # The sweep (beat, every minute) retries once the knowledge base works again.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_sweep", stdout=io.StringIO())
    handover = Handover.objects.get(profile=owner)
    assert handover.status == Handover.Status.PROPOSED and handover.items.count() == 4
    message.refresh_from_db()
    assert message.completed_at is not None


def test_a_departure_taken_back_before_the_task_runs_proposes_nothing(hr, leaving_owner):
    from knowledge_base.tasks import propose_handover

    owner = leaving_owner[0]
    assert owner.status == StaffProfile.Status.ACTIVE
    assert propose_handover.apply(kwargs={"profile_id": owner.pk}).get() is None
    assert not Handover.objects.exists()


def test_overdue_handover_reminders(hr, leaving_owner, django_capture_on_commit_callbacks):
    owner = leaving_owner[0]
    successor = make_profile(Role.CUSTODIAN)
    handover = handover_start(profile=owner, started_by=hr.user)
    item = handover.items.first()
    handover_item_assign(item=item, successor=successor, deadline=None, user=hr.user)
    later = handover.deadline + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert handover_reminders_send(today=later) == 2
        assert handover_reminders_send(today=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([successor.user.email, hr.user.email])
    assert item.page.title in next(m for m in mail.outbox if m.to == [successor.user.email]).body


def test_handover_views_flow(client, hr, leaving_owner, outsider):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=hr.user, type=Authenticator.Type.TOTP, data={})
    owner = leaving_owner[0]
    successor = make_profile(Role.CUSTODIAN)
    client.force_login(hr.user)
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("knowledge_base:handover_list"),
        {"profile": owner.pk, "reason": "leaving", "deadline": deadline, "note": ""},
    )
    handover = Handover.objects.get()
    assert response.status_code == 302
    for item in handover.items.all():
        client.post(
            reverse("knowledge_base:handover_item_assign", args=[item.pk]),
            {"successor": successor.pk, "deadline": deadline},
        )
    assert handover.items.filter(status="assigned").count() == 4
    client.force_login(outsider.user)
    assert client.get(reverse("knowledge_base:handover", args=[handover.pk])).status_code == 404
    client.force_login(successor.user)
    page = client.get(reverse("knowledge_base:handover_list")).content.decode()
    assert "Aceptar" in page
    for item in handover.items.all():
        client.post(reverse("knowledge_base:handover_item_accept", args=[item.pk]))
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED


def test_past_deadline_refused_in_view(client, hr, leaving_owner):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=hr.user, type=Authenticator.Type.TOTP, data={})
    client.force_login(hr.user)
    response = client.post(
        reverse("knowledge_base:handover_list"),
        {"profile": leaving_owner[0].pk, "reason": "leaving", "deadline": "2000-01-01"},
        follow=True,
    )
    assert "no puede estar en el pasado" in response.content.decode()
    assert not Handover.objects.exists()


@pytest.mark.parametrize("profile", ["abc", str(2**64), "", "١٢"])
def test_start_with_a_bad_profile_is_a_spanish_message(client, hr, leaving_owner, profile):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=hr.user, type=Authenticator.Type.TOTP, data={})
    client.force_login(hr.user)
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("knowledge_base:handover_list"),
        {"profile": profile, "reason": "leaving", "deadline": deadline},
    )
    assert response.status_code == 200
    assert "Elija un funcionario" in response.content.decode()
    assert not Handover.objects.exists()


def _with_mfa(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    return user


def test_custodian_starts_their_own_handover_but_nobody_elses(client, leaving_owner):
    owner = leaving_owner[0]
    colleague = make_profile(Role.CUSTODIAN)
    client.force_login(_with_mfa(owner.user))
    page = client.get(reverse("knowledge_base:handover_list")).content.decode()
    assert f'value="{owner.pk}"' in page and f'value="{colleague.pk}"' not in page
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"reason": "leaving", "deadline": deadline, "note": ""}
    client.post(reverse("knowledge_base:handover_list"), {**data, "profile": colleague.pk})
    assert not Handover.objects.exists()
    with pytest.raises(PermissionDenied):
        handover_start(profile=colleague, started_by=owner.user)
    response = client.post(reverse("knowledge_base:handover_list"), {**data, "profile": owner.pk})
    assert response.status_code == 302
    assert Handover.objects.get().profile == owner


def test_scoped_hr_starts_handovers_only_within_their_units(leaving_owner):
    from tests.people.factories import scope

    owner = leaving_owner[0]
    scoped = make_profile(Role.HR)
    scope(scoped.user, make_profile(Role.LEARNER).unit)
    with pytest.raises(PermissionDenied):
        handover_start(profile=owner, started_by=scoped.user)
    assert not Handover.objects.exists()
    scope(scoped.user, owner.unit)
    fresh = type(scoped.user).objects.get(pk=scoped.user.pk)  # scopes are cached on the user
    assert handover_start(profile=owner, started_by=fresh).profile == owner


def test_handover_form_shows_the_default_deadline_in_iso_format(client, hr, leaving_owner):
    client.force_login(_with_mfa(hr.user))
    page = client.get(reverse("knowledge_base:handover_list")).content.decode()
    default = timezone.localdate() + timedelta(days=services.HANDOVER_DEFAULT_DAYS)
    assert f'type="date" name="deadline" value="{default.isoformat()}"' in page


def test_risk_link_only_for_who_may_open_it(client, outsider, custodian):
    client.force_login(_with_mfa(outsider.user))
    assert client.get(reverse("knowledge_base:risk")).status_code == 403
    page = client.get(reverse("knowledge_base:search")).content.decode()
    assert reverse("knowledge_base:risk") not in page
    client.force_login(_with_mfa(custodian.user))
    assert client.get(reverse("knowledge_base:risk")).status_code == 200
    assert (
        reverse("knowledge_base:risk")
        in client.get(reverse("knowledge_base:search")).content.decode()
    )
