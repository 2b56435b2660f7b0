import os

import pytest


def pytest_collection_modifyitems(config, items):
    """The matrix makes ~2,000 requests: once per CI run is enough, so it runs in the services
    run (RELEVO_REQUIRE_SERVICES=1, PostgreSQL) and is skipped in the SQLite run, unless
    RELEVO_ACCESS_MATRIX=1 asks for it."""
    if "1" in (os.environ.get("RELEVO_REQUIRE_SERVICES"), os.environ.get("RELEVO_ACCESS_MATRIX")):
        return
    skip = pytest.mark.skip(
        reason="access matrix: runs in the services run (or set RELEVO_ACCESS_MATRIX=1)"
    )
    for item in items:
        if "access_matrix" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def access_world(db, settings):
    """Two of each role, B's objects, and a signed-in client per actor (tests/access/roles.py)."""
    from tests.access.roles import build_world

    settings.SITE_URL = "https://relevo.example.gob.ec"
    settings.CERTIFICATE_SIGNING_P12_PATH = ""
    settings.CERTIFICATE_SIGNING_P12_PASSWORD = ""
    return build_world()
