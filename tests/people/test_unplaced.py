"""Accounts single sign-on created without a unit ("sin unidad"): HR's list and placement, and
the unit a provider's claim names at sign-in (settings.SSO_UNIT_CLAIM)."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from core.accounts import record_sso_sign_in
from core.roles import Role
from people import services
from people.models import HRScope, StaffProfile
from tests.factories import with_mfa
from tests.people.factories import StaffFactory

LIST = "/talento-humano/sin-unidad/"


def place_url(account) -> str:
    return f"/talento-humano/sin-unidad/{account.pk}/ubicar/"


@pytest.fixture
def sso_account(make_user):
    """As single sign-on creates them: Funcionario, a social account, no staff profile."""

    def make(**kwargs):
        account = make_user(Role.LEARNER, **kwargs)
        SocialAccount.objects.create(user=account, provider="ministerio", uid=f"uid-{account.pk}")
        return account

    return make


def test_the_list_shows_sso_accounts_without_a_unit_and_nobody_else(
    hr_client, tree, sso_account, make_user
):
    waiting = sso_account(first_name="Lucía", last_name="Andrade")
    placed = sso_account()
    StaffFactory(user=placed, unit=tree["dir-a"])
    password_only = make_user(Role.LEARNER)  # not from the provider
    trainer = sso_account()
    trainer.groups.add(Group.objects.get(name=Role.TRAINER.value))
    gone = sso_account(is_active=False)
    response = hr_client.get(LIST)
    assert response.status_code == 200
    listed = [a.pk for a in response.context["page"]]
    assert listed == [waiting.pk]
    page = response.content.decode()
    assert "Lucía Andrade" in page and place_url(waiting) in page
    for other in (placed, password_only, trainer, gone):
        assert other.email not in page


def test_hr_places_an_account_and_its_requirements_follow(hr_client, hr_user, tree, sso_account):
    account = sso_account(first_name="Lucía", last_name="Andrade")
    response = hr_client.post(
        place_url(account),
        {
            "employee_id": "1712345675",
            "unit": tree["unit-a1"].pk,
            "position": "Analista",
            "start_date": "2026-11-02",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST
    profile = StaffProfile.objects.get(user=account)
    assert (profile.employee_id, profile.unit, profile.position) == (
        "1712345675",
        tree["unit-a1"],
        "Analista",
    )
    account.refresh_from_db()
    assert (account.first_name, account.last_name) == ("Lucía", "Andrade")  # the provider's
    assert ModelLogEntry.objects.filter(action="people.staff_account_attached").exists()
    assert account.email not in hr_client.get(LIST).content.decode()
    assert hr_client.get(place_url(account)).status_code == 404  # placed: no longer listed


def test_a_taken_employee_id_is_refused_in_spanish_and_nothing_is_saved(
    hr_client, tree, sso_account
):
    StaffFactory(employee_id="1700000001", unit=tree["dir-b"])
    account = sso_account()
    response = hr_client.post(
        place_url(account),
        {"employee_id": "1700000001", "unit": tree["dir-a"].pk, "start_date": "2026-11-02"},
    )
    assert response.status_code == 200
    assert "Otra persona tiene esta cédula." in response.content.decode()
    assert not StaffProfile.objects.filter(user=account).exists()


def test_scoped_hr_managers_and_learners_are_refused(client, make_user, tree, sso_account, hr_user):
    account = sso_account()
    scoped = with_mfa(make_user(Role.LEARNER, Role.HR))
    HRScope.objects.create(user=scoped, unit=tree["dir-a"])
    manager = StaffFactory(unit=tree["dir-a"]).user
    StaffFactory(unit=tree["dir-a"], manager=manager.staff_profile)
    post = {"employee_id": "1751234566", "unit": tree["dir-a"].pk, "start_date": "2026-11-02"}
    for refused in (scoped, manager, make_user(Role.LEARNER)):
        client.force_login(refused)
        assert client.get(LIST).status_code == 403
        assert client.get(place_url(account)).status_code == 403
        assert client.post(place_url(account), post).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302  # to sign-in
    assert not StaffProfile.objects.filter(user=account).exists()
    # The service refuses too, whoever calls it.
    with pytest.raises(services.PermissionDenied):
        services.staff_place(
            account=account, employee_id="1751234566", unit=tree["dir-a"], user=scoped
        )
    assert not StaffProfile.objects.filter(user=account).exists()


def test_the_service_never_places_twice_nor_a_privileged_account(tree, sso_account, hr_user):
    placed = sso_account()
    StaffFactory(user=placed, unit=tree["dir-a"])
    with pytest.raises(services.ValidationError, match="Esta persona ya tiene una unidad"):
        services.staff_place(account=placed, employee_id="1711", unit=tree["dir-b"], user=hr_user)
    assert StaffProfile.objects.get(user=placed).unit == tree["dir-a"]
    privileged = sso_account(is_staff=True)
    with pytest.raises(services.ValidationError, match="Ya existe una cuenta con ese correo"):
        services.staff_place(
            account=privileged, employee_id="1712", unit=tree["dir-b"], user=hr_user
        )
    assert not StaffProfile.objects.filter(user=privileged).exists()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_accounts(hr_client, tree, sso_account):
    hr_client.get(LIST)  # the second-factor state is cached from here on
    for _ in range(3):
        sso_account()
    small = _list_queries(hr_client)
    for _ in range(30):
        sso_account()
    assert _list_queries(hr_client) == small
    assert small <= 15


# --- the unit from the provider's claim ------------------------------------------------------


@pytest.fixture
def unit_claim(settings):
    settings.SSO_UNIT_CLAIM = "unidad"
    settings.SSO_EMPLOYEE_ID_CLAIM = "cedula"
    return settings


def sign_in(account, claims: dict):
    """What allauth's user_logged_in hands core after a sign-in through the provider."""
    request = RequestFactory().get("/cuenta/oidc/ministerio/login/callback/")
    request.session = SessionStore()
    social = SocialAccount.objects.filter(user=account).first() or SocialAccount(
        user=account, provider="ministerio", uid="u"
    )
    social.extra_data = {"id_token": claims, "userinfo": {}}
    sociallogin = SocialLogin(user=account, account=social)
    sociallogin.state = {"process": "login"}
    record_sso_sign_in(sender=None, request=request, user=account, sociallogin=sociallogin)


def test_a_claimed_unit_places_a_newcomer_at_sign_in(unit_claim, tree, sso_account):
    account = sso_account()
    sign_in(account, {"unidad": "UNIT-A1", "cedula": "1712121212"})
    profile = StaffProfile.objects.get(user=account)
    assert (profile.unit, profile.employee_id) == (tree["unit-a1"], "1712121212")
    entry = ModelLogEntry.objects.get(action="people.staff_placed_by_sso")
    assert entry.data["unit"] == "unit-a1"


def test_a_claimed_unit_never_moves_a_placed_person(unit_claim, tree, sso_account):
    account = sso_account()
    StaffFactory(user=account, unit=tree["dir-b"], employee_id="1700000009")
    sign_in(account, {"unidad": "unit-a1", "cedula": "1700000009"})
    assert StaffProfile.objects.get(user=account).unit == tree["dir-b"]
    assert not ModelLogEntry.objects.filter(action="people.staff_placed_by_sso").exists()
    assert (
        services.staff_place_from_sso(account=account, unit_code="unit-a1", employee_id="17")
        == services.PLACED_KEPT
    )
    assert (
        services.staff_place_from_sso(account=account, unit_code="dir-b", employee_id="17")
        == services.PLACED_ALREADY
    )


def test_an_unusable_claim_leaves_the_person_without_a_unit(unit_claim, tree, sso_account):
    account = sso_account()
    StaffFactory(employee_id="1700000007", unit=tree["dir-b"])
    outcomes = [
        services.staff_place_from_sso(account=account, unit_code="nope", employee_id="1712"),
        services.staff_place_from_sso(account=account, unit_code="dir-a", employee_id=""),
        services.staff_place_from_sso(account=account, unit_code="dir-a", employee_id="1700000007"),
    ]
    assert outcomes == [
        services.PLACED_UNKNOWN_UNIT,
        services.PLACED_NO_EMPLOYEE_ID,
        services.PLACED_REFUSED,
    ]
    sign_in(account, {"unidad": "nope", "cedula": "1712"})
    sign_in(account, {"cedula": "1712"})
    assert not StaffProfile.objects.filter(user=account).exists()


def test_without_the_setting_the_claim_is_ignored(settings, tree, sso_account):
    settings.SSO_UNIT_CLAIM = ""
    account = sso_account()
    sign_in(account, {"unidad": "dir-a", "cedula": "1712121212"})
    assert not StaffProfile.objects.filter(user=account).exists()


def test_saml_attribute_lists_are_read_too(unit_claim, tree, sso_account):
    account = sso_account()
    request = RequestFactory().get("/")
    request.session = SessionStore()
    social = SocialAccount(
        user=account,
        provider="saml",
        uid="s",
        extra_data={"unidad": ["dir-a"], "cedula": ["1713131313"]},
    )
    sociallogin = SocialLogin(user=account, account=social)
    sociallogin.state = {"process": "login"}
    record_sso_sign_in(sender=None, request=request, user=account, sociallogin=sociallogin)
    assert StaffProfile.objects.get(user=account).unit == tree["dir-a"]


@pytest.mark.parametrize("start_date", ["9999-12-31", "1900-01-01"])
def test_an_implausible_start_date_is_refused_in_spanish_and_nothing_is_saved(
    hr_client, tree, sso_account, start_date
):
    account = sso_account()
    response = hr_client.post(
        place_url(account),
        {"employee_id": "1713131314", "unit": tree["unit-a1"].pk, "start_date": start_date},
    )
    assert response.status_code == 200
    assert "Indique una fecha entre 1950 y" in response.content.decode()
    assert not StaffProfile.objects.filter(user=account).exists()
