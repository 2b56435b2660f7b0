"""The production settings, as deployed, with the one change a single-machine load test needs.

All load comes from one address (wrk on 127.0.0.1), so per-address rate limits meant for the
public verification page would answer 429 to nearly every request and measure the limiter, not
the page. Everything else is config.settings.base with DEBUG off.
"""

from config.settings.base import *  # noqa: F403

CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE = 1_000_000_000
