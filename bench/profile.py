"""A profile of the slowest page, written next to the results: where a budget is missed, the
table says by how much and this file says why.

In process (Django's test Client, the same settings as the served pages): a few warm-up
requests, then pyinstrument over repeated requests of the page.
"""

from __future__ import annotations

from pathlib import Path

from .targets import Target

REQUESTS = 20


def slowest(results: list[dict], targets: list[Target]) -> Target | None:
    """The loaded page with the lowest throughput (the bare view aside)."""
    loaded = [r for r in results if r.get("rps") and r["key"] != "bare"]
    if not loaded:
        return None
    worst = min(loaded, key=lambda r: r["rps"])
    return next((t for t in targets if t.key == worst["key"]), None)


def profile_page(target: Target, path: Path) -> Path | None:
    try:
        from pyinstrument import Profiler
    except ImportError:  # a production-only install: no profile, the table still stands
        return None
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(raise_request_exception=False)
    if target.user_id is not None:
        client.force_login(get_user_model().objects.get(pk=target.user_id))
    if target.method != "GET":
        return None  # POSTs change state: profiling them would skew the data set
    for _ in range(3):
        client.get(target.path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(REQUESTS):
        client.get(target.path)
    profiler.stop()
    header = f"{target.label} ({target.path}): {REQUESTS} requests in process\n\n"
    path.write_text(header + profiler.output_text(unicode=True, color=False, show_all=False))
    return path
