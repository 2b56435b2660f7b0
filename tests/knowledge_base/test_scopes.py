"""An HR officer limited to some units sees, starts and changes the handovers of the people in
those units only, and sees only them on the knowledge-risk, "what if" and expertise pages
(through people.api.staff_in_scope). Institution-wide HR, administrators and the other roles
keep the whole institution."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from knowledge_base.models import Handover, HandoverItem
from knowledge_base.services import handover_start
from tests.factories import with_mfa
from tests.people.factories import scope

from .factories import make_profile, make_system, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    inside, outside = make_unit("Dirección A"), make_unit("Dirección B")
    insider = make_profile(Role.CUSTODIAN, unit=inside, first_name="Irene", last_name="Interna")
    outsider = make_profile(Role.CUSTODIAN, unit=outside, first_name="Omar", last_name="Externo")
    make_system(title="Sistema Interno", owners=[insider])
    make_system(title="Sistema Ajeno", owners=[outsider])
    scoped = make_profile(Role.HR, unit=inside)
    scope(scoped.user, inside)
    with_mfa(scoped.user)
    wide = make_profile(Role.HR, unit=outside)
    with_mfa(wide.user)
    return {"insider": insider, "outsider": outsider, "scoped": scoped.user, "wide": wide.user}


def _start(world, who):
    return handover_start(profile=world[who], started_by=world["wide"], reason="leaving")


def test_scoped_officer_cannot_see_or_change_a_handover_of_another_unit(client, world):
    theirs = _start(world, "outsider")
    mine = _start(world, "insider")
    item = theirs.items.first()
    client.force_login(world["scoped"])
    listing = client.get(reverse("knowledge_base:handover_list")).content.decode()
    assert reverse("knowledge_base:handover", args=[mine.pk]) in listing
    assert reverse("knowledge_base:handover", args=[theirs.pk]) not in listing
    response = client.get(reverse("knowledge_base:handover", args=[theirs.pk]))
    assert response.status_code == 404
    assert "Ir a la página de inicio" in response.content.decode()
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    assign = client.post(
        reverse("knowledge_base:handover_item_assign", args=[item.pk]),
        {"successor": world["insider"].pk, "deadline": deadline},
    )
    assert assign.status_code == 404
    cancel = client.post(reverse("knowledge_base:handover_cancel", args=[theirs.pk]))
    assert cancel.status_code == 404
    theirs.refresh_from_db()
    item.refresh_from_db()
    assert theirs.status != Handover.Status.CANCELLED
    assert item.successor_id is None and item.status == HandoverItem.Status.PENDING


def test_scoped_officer_cannot_start_a_handover_for_someone_in_another_unit(client, world):
    client.force_login(world["scoped"])
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("knowledge_base:handover_list"),
        {"profile": world["outsider"].pk, "reason": "leaving", "deadline": deadline},
    )
    assert response.status_code == 200
    assert "Elija un funcionario" in response.content.decode()
    assert not Handover.objects.exists()
    # Inside the scope it works.
    response = client.post(
        reverse("knowledge_base:handover_list"),
        {"profile": world["insider"].pk, "reason": "leaving", "deadline": deadline},
    )
    assert response.status_code == 302
    assert Handover.objects.get().profile == world["insider"]


def test_scoped_officer_cancels_a_handover_inside_their_units(client, world):
    mine = _start(world, "insider")
    client.force_login(world["scoped"])
    assert client.get(reverse("knowledge_base:handover", args=[mine.pk])).status_code == 200
    client.post(reverse("knowledge_base:handover_cancel", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Handover.Status.CANCELLED


def test_institution_wide_officer_sees_every_handover(client, world, django_assert_max_num_queries):
    handovers = [_start(world, "outsider"), _start(world, "insider")]
    client.force_login(world["wide"])
    with django_assert_max_num_queries(25):
        listing = client.get(reverse("knowledge_base:handover_list")).content.decode()
    for handover in handovers:
        assert reverse("knowledge_base:handover", args=[handover.pk]) in listing


def test_risk_what_if_and_experts_show_a_scoped_officer_only_their_units(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["scoped"])
    with django_assert_max_num_queries(25):
        risk = client.get(reverse("knowledge_base:risk")).content.decode()
    assert "Sistema Interno" in risk and "Irene Interna" in risk
    assert "Sistema Ajeno" not in risk and "Omar Externo" not in risk
    what_if = client.get(
        reverse("knowledge_base:what_if"), {"persona": world["outsider"].user_id}
    ).content.decode()
    assert "Omar Externo" not in what_if and "Sistema Ajeno" not in what_if
    with django_assert_max_num_queries(25):
        experts = client.get(reverse("knowledge_base:experts")).content.decode()
    assert "Irene Interna" in experts and "Omar Externo" not in experts
    searched = client.get(reverse("knowledge_base:experts"), {"q": "Omar"}).content.decode()
    assert "Sistema Ajeno" not in searched


@pytest.mark.parametrize("who", ["wide", "admin", "custodian"])
def test_the_whole_institution_for_everyone_else(client, world, make_user, who):
    if who == "wide":
        user = world["wide"]
    elif who == "admin":
        user = with_mfa(make_user(Role.ADMIN))
    else:
        user = world["insider"].user
    client.force_login(user)
    risk = client.get(reverse("knowledge_base:risk")).content.decode()
    assert "Sistema Ajeno" in risk and "Omar Externo" in risk
    experts = client.get(reverse("knowledge_base:experts")).content.decode()
    assert "Irene Interna" in experts and "Omar Externo" in experts
