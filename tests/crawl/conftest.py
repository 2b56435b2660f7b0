"""The crawl and axe sweep run once per CI run, in the SQLite pass (`make test`); the bad-input
sweep runs in both passes, since SQLite and PostgreSQL fail on different input.
`RELEVO_CRAWL=0` skips all three (a quick local run), `RELEVO_CRAWL=1` forces them.
"""

import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def _wanted(marker: str) -> bool:
    asked = os.environ.get("RELEVO_CRAWL")
    if asked in ("0", "1"):
        return asked == "1"
    services_pass = os.environ.get("RELEVO_REQUIRE_SERVICES") == "1"
    return marker == "bad_input" or not services_pass


def pytest_collection_modifyitems(config, items):
    for marker in ("crawl", "bad_input"):
        if _wanted(marker):
            continue
        skip = pytest.mark.skip(
            reason=f"{marker}: once per CI run (the crawl and axe in the SQLite pass); "
            "RELEVO_CRAWL=1 runs it here, RELEVO_CRAWL=0 skips it"
        )
        for item in items:
            if item.get_closest_marker(marker):
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
