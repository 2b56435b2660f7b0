"""Browser tests: Playwright (sync API) driving Debian's /usr/bin/chromium against pytest-django's
live server, with axe-core checking WCAG 2.1 A/AA.

Fixtures offered to every app's `tests/e2e/test_*.py`:

- `browser` (one per test session, so one per xdist worker) and `page` (a fresh context per
  test, locale es-EC, 1280x900; `page.base_url` is the live server's URL).
- `demo_site`: the demo content (`seed_demo --force` once per process, then reloaded from its
  snapshot with its files), MFA enforcement off as in the demo.
- `login(page, live_server, email, password="relevo-demo")`: signs in through the real form
  and returns the page on the landing URL.
- `assert_accessible(page, exclude=())`: runs axe-core (served from the local file bundled by
  the `axe-playwright-python` package: no network) and fails with a readable list of violations.

Every test here gets a transactional database restored after each test (serialized rollback):
the live server runs in another thread and must see committed data, and the roles and home
page created by migrations must survive the flush for the next test. Do not add a
`django_db` marker to e2e tests; it would turn the restore off. Mark tests `@pytest.mark.e2e`;
`tests/conftest.py` skips them, loudly, where chromium is missing.
"""

import os
import shutil
from importlib import resources
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.core import db_snapshot

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with an event loop unless told it is safe (the test code itself is synchronous).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "relevo-demo"  # core.demo.DEMO_PASSWORD
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SOURCE_FILE = resources.files("axe_playwright_python") / "axe.min.js"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from playwright.sync_api import sync_playwright

    db_snapshot.remember()  # before Playwright switches this thread's context
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def _before_restore(browser, django_db_blocker):
    db_snapshot.prepare_restore(django_db_blocker)


@pytest.fixture(autouse=True)
def _live_server_helper(_before_restore, _live_server_helper):
    """pytest-django's own autouse helper (which sets up the database for tests using the live
    server), made to wait for `_before_restore`."""
    return _live_server_helper


@pytest.fixture(autouse=True)
def _e2e_database(_before_restore, transactional_db, django_db_serialized_rollback):
    """Committed data for the live server, restored to the migrated state after each test."""
    db_snapshot.reset_sequences()
    yield
    db_snapshot.attach()  # pytest-django flushes next: with the snapshot, without post_migrate


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="es-EC",
        timezone_id="America/Guayaquil",
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


# The seeded demo of this process (database contents and stored files), taken after the first
# `demo_site`: seeding costs a minute, reloading it a second.
_seeded_demo: dict = {}


@pytest.fixture
def demo_site(settings, django_db_blocker, tmp_path_factory):
    """The demo content and accounts, with the demo's settings (no MFA enforcement)."""
    settings.MFA_REQUIRED_FOR_ROLES = []
    media = Path(settings.MEDIA_ROOT)
    if not _seeded_demo:
        call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
        kept_media = tmp_path_factory.mktemp("seeded-demo-media")
        if media.exists():
            shutil.copytree(media, kept_media, dirs_exist_ok=True)
        _seeded_demo.update(data=db_snapshot.take(), media=kept_media)
        return
    db_snapshot.load(_seeded_demo["data"], django_db_blocker)
    shutil.copytree(_seeded_demo["media"], media, dirs_exist_ok=True)


def _login(page, live_server, email: str, password: str = DEMO_PASSWORD):
    page.goto(f"{live_server.url}/cuenta/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form.account-form button[type=submit]").click()
    return page


@pytest.fixture
def login():
    return _login


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation.get('impact') or '-'}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def run_axe(page, exclude=()) -> list[dict]:
    """axe-core's violations of WCAG 2.1 A and AA on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self')
        # does not apply and the page is checked with its real policy.
        page.evaluate(AXE_SOURCE_FILE.read_text(encoding="utf-8"))
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
    result = page.evaluate(
        """async ([context, tags]) => {
            const target = context === "document" ? document : context;
            return await window.axe.run(target, {runOnly: {type: "tag", values: tags}});
        }""",
        [context, WCAG_TAGS],
    )
    return result["violations"]


def _assert_accessible(page, exclude=()):
    violations = run_axe(page, exclude)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


@pytest.fixture
def assert_accessible():
    return _assert_accessible


@pytest.fixture
def console_errors(page):
    """Errors the page logs (CSP refusals, script errors): a test may assert there are none."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def site_url(live_server, settings):
    """The live server's address, with the default Wagtail site on it (page URLs are absolute
    to the site) and MFA enforcement off as in the demo."""
    from urllib.parse import urlparse

    from wagtail.models import Site

    settings.MFA_REQUIRED_FOR_ROLES = []
    parsed = urlparse(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=parsed.hostname, port=parsed.port)
    return live_server.url


@pytest.fixture
def sign_in(page, site_url):
    """Sign in through the real form, landing on `next_url`."""

    def do(email: str, password: str = DEMO_PASSWORD, next_url: str = "/"):
        page.goto(f"{site_url}/cuenta/login/?next={next_url}")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("main form").get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()

    return do
