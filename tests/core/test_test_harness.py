"""The test harness itself: the two things that once let one hung browser test hold CI until its
time ran out."""

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_sqlite_tests_never_share_one_connection_between_threads():
    """With Django's in-memory SQLite, the live server's threads reuse the test thread's one
    connection, and two threads deadlock on it (config/settings/test.py)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL gives each thread its own connection")
    assert not connection.is_in_memory_db()
    assert Path(connection.settings_dict["NAME"]).exists()


HUNG_TEST = """
import ctypes

def test_holds_the_gil_forever():
    # PyDLL keeps the GIL during the call: no signal handler, so no pytest-timeout, can run.
    ctypes.PyDLL(None).sleep(60)
"""


def test_a_test_that_hangs_holding_the_gil_is_ended_with_every_stack(tmp_path):
    assert ctypes.PyDLL(None).sleep  # libc's sleep is reachable on this platform
    hung = tmp_path / "test_hung.py"
    hung.write_text(HUNG_TEST)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:xdist", "-q", str(hung)],
        cwd=ROOT,
        env={
            **os.environ,
            "RELEVO_HANG_SECONDS": "2",
            "RELEVO_HANG_LOGS": str(tmp_path / "hangs"),  # not var/test-hangs, which CI prints
            "PYTEST_XDIST_WORKER": "harness",
        },
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert result.returncode != 0
    log = (tmp_path / "hangs" / "harness.log").read_text()
    assert "test_holds_the_gil_forever" in log
    assert log.count("Timeout (") == 1
    assert "test_hung.py" in log  # the hung frame's file, in the dumped stack
