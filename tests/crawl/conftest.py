"""The crawl, the bad-input sweep and axe run once per CI run (see tests/crawl/README in the
report): tests marked `crawl` run only when asked, with `RELEVO_CRAWL=1` or in the services run
(`RELEVO_REQUIRE_SERVICES=1`, PostgreSQL), so `make test` on SQLite does not pay for them twice.
The bad-input sweep is cheap and also runs in `make test` (it is marked `bad_input`).
"""

import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def crawl_requested() -> bool:
    return os.environ.get("RELEVO_CRAWL") == "1" or (
        os.environ.get("RELEVO_REQUIRE_SERVICES") == "1"
    )


def pytest_collection_modifyitems(config, items):
    if crawl_requested():
        return
    skip = pytest.mark.skip(
        reason="the crawl runs once per CI run: RELEVO_CRAWL=1 or the services run"
    )
    for item in items:
        if item.get_closest_marker("crawl"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo (`seed_demo --force`) seeded once for the module, inside a transaction that is
    rolled back at the end, so the rest of the session sees the migrated database only."""
    with (
        override_settings(MEDIA_ROOT=demo_media, PRIVATE_MEDIA_ROOT=demo_media / "private"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_media_stays(_isolated_media_and_cache, settings, demo_media):
    """The files the demo stored (certificate PDFs, documents) stay reachable in every test."""
    settings.MEDIA_ROOT = demo_media
    settings.PRIVATE_MEDIA_ROOT = demo_media / "private"
