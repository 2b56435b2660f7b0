"""The browser fixtures of tests/e2e (Chromium, the live server, the restored database) for the
SSO journeys, and only for them: the SSO unit tests beside this folder stay plain."""

from tests.e2e.conftest import (  # noqa: F401
    _before_restore,
    _e2e_database,
    _live_server_helper,
    browser,
    console_errors,
    page,
)
