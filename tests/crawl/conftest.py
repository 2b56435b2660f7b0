"""The crawl, the bad-input sweep and axe run only when asked (`RELEVO_CRAWL=1`): they still
find English strings and one 500 (Wagtail's admin search of questions on SQLite passes FTS5
syntax through), so they are not in CI yet; issue 14 stays open until they are.
"""

import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def crawl_requested() -> bool:
    return os.environ.get("RELEVO_CRAWL") == "1"


def pytest_collection_modifyitems(config, items):
    if crawl_requested():
        return
    skip = pytest.mark.skip(
        reason="not in CI until it passes (issue 14): the crawl still reports English strings "
        "and the sweep one SQLite admin-search 500; run with RELEVO_CRAWL=1"
    )
    for item in items:
        if item.get_closest_marker("crawl") or item.get_closest_marker("bad_input"):
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
