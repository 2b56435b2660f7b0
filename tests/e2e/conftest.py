"""Browser tests: Playwright driving Debian's chromium against Django's live server.

`playwright install` cannot download browsers here, so the system chromium is launched; tests
are skipped (with a loud summary) when it is missing (tests/conftest.py).
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "es-EC", "timezone_id": "America/Guayaquil"}


@pytest.fixture
def site_url(live_server, transactional_db, settings):
    """The live server's address, with its host allowed and the default Wagtail site on it."""
    from urllib.parse import urlparse

    from wagtail.models import Site

    settings.MFA_REQUIRED_FOR_ROLES = []
    parsed = urlparse(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=parsed.hostname, port=parsed.port)
    return live_server.url


@pytest.fixture
def sign_in(page, site_url):
    def do(email: str, password: str, next_url: str = "/"):
        page.goto(f"{site_url}/cuenta/login/?next={next_url}")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("main form").get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()

    return do
