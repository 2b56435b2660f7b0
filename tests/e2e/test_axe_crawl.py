"""axe-core at a phone's width (360 px) on one page per URL route (one per template) that a
learner and an HR officer reach by following links from /inicio/. Runs once per CI run with
the crawl (tests/crawl/conftest.py: RELEVO_CRAWL=1 or the services run)."""

from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.crawl.crawler import SKIPPED_PATHS, _route_key
from tests.e2e.conftest import format_violations, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.crawl]

MAX_PAGES = 40


def _local_links(page, site_url) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(urljoin(page.url, href))
        if f"{parts.scheme}://{parts.netloc}" != site_url or SKIPPED_PATHS.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.mark.parametrize("email", ["funcionario@relevo.demo", "talento@relevo.demo"])
def test_every_template_is_accessible_at_360_px(demo_site, page, site_url, sign_in, email):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(email, next_url="/inicio/")
    queue, seen_routes, seen, problems = ["/inicio/"], set(), set(), []
    while queue and len(seen_routes) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        route = _route_key(*path.partition("?")[::2])
        if route in seen_routes:
            continue
        seen_routes.add(route)
        try:
            response = page.goto(site_url + path)
        except PlaywrightError:  # a download (PDF, CSV, XLSX): no page to check
            continue
        if (
            response is None
            or response.status != 200
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        violations = run_axe(page)
        if violations:
            problems.append(f"{path}:\n{format_violations(violations)}")
        queue.extend(link for link in _local_links(page, site_url) if link not in seen)
    print(f"\n[axe] {email}: {len(seen_routes)} templates at 360 px")
    assert not problems, "\n".join(problems)
