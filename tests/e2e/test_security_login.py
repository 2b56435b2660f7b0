"""One door, in a real browser: Wagtail's admin login and its front-end login both lead to
allauth's sign-in, which asks an administrator with TOTP for the code before anything opens."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import app_settings as totp_settings
from playwright.sync_api import expect

from core.roles import Role
from tests.core.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // totp_settings.TOTP_PERIOD))


@pytest.mark.parametrize(
    ("entry", "landing"),
    [("/admin/login/?next=/admin/", r"/admin/$"), ("/_util/login/?next=/inicio/", r"/inicio/$")],
)
def test_an_administrator_with_totp_is_asked_for_the_code(page, live_server, entry, landing):
    admin = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)

    page.goto(f"{live_server.url}{entry}")
    expect(page).to_have_url(re.compile(r"/cuenta/login/\?next="))
    page.locator("input[name=login]").fill(admin.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()

    # The password alone opens nothing: allauth asks for the authenticator's code.
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/authenticate/$"))
    code = page.locator("input[name=code]")
    expect(code).to_be_visible()
    # Same cookies, outside the page: the admin still sends this browser to sign in.
    admin_home = page.request.get(f"{live_server.url}/admin/", max_redirects=0)
    assert admin_home.status == 302
    assert admin_home.headers["location"].startswith("/cuenta/login/")

    page.locator("input[name=code]").fill(_current_code(secret))
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    expect(page).to_have_url(re.compile(landing))
    expect(page.locator("html")).to_have_attribute("lang", "es")
