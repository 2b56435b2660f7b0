"""The morning sign-in rush (issue 16): N distinct learners sign in through the form, all
through one proxy address, against the production stack (gunicorn, DEBUG off, Redis).

Each learner GETs `/cuenta/login/` (CSRF cookie and token) and POSTs their e-mail and
password with `X-Forwarded-For: <the ministry's NAT address>` (the stack runs with
TRUSTED_PROXY_COUNT=1, as behind nginx). Counted: signed in (302 to /inicio/ with a session),
refused (429, or the form's "too many failed sign-ins"), errors (5xx, timeouts, anything
else); p95 is of the POST. `make bench` adds it to the results JSON as `sign_in_rush`;
`make bench-signin USERS=100` runs it alone (≤ 2 minutes for 100 users here).

Accounts: `rush00000@bench.relevo`…, made idempotently with one shared password hash (the
hash costs about 0.24 CPU-s: 2,000 of them would take minutes to make) and a verified
primary e-mail (verification is mandatory).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

NAT_ADDRESS = "203.0.113.7"  # the ministry's one public address, as nginx reports it
DEFAULT_USERS = 2000
DEFAULT_CONCURRENCY = 16
EMAIL = "rush{:05d}@bench.relevo"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOO_MANY = ("Demasiados intentos", "Too many failed")


def ensure_accounts(count: int) -> list[str]:
    """`count` learner accounts with a known password and a verified e-mail (idempotent)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from core.roles import Role

    from .seed import BENCH_PASSWORD

    User = get_user_model()
    emails = [EMAIL.format(i) for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [e for e in emails if e not in existing]
    if missing:
        password = make_password(BENCH_PASSWORD)
        User.objects.bulk_create(
            [
                User(email=e, first_name="Rush", last_name=e[:9], password=password, language="es")
                for e in missing
            ],
            batch_size=1000,
        )
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    learners = Group.objects.get(name=Role.LEARNER)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=pk, group_id=learners.pk) for pk in users.values()],
        ignore_conflicts=True,
        batch_size=1000,
    )
    verified = set(
        EmailAddress.objects.filter(user_id__in=users.values()).values_list("email", flat=True)
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=e, verified=True, primary=True)
            for e, pk in users.items()
            if e not in verified
        ],
        batch_size=1000,
    )
    return emails


def _sign_in(base_url: str, email: str, password: str) -> tuple[str, float]:
    """('ok' | 'refused' | 'error', seconds of the POST)."""
    import requests

    session = requests.Session()
    headers = {"X-Forwarded-For": NAT_ADDRESS}
    try:
        page = session.get(f"{base_url}/cuenta/login/", headers=headers, timeout=30)
        match = TOKEN.search(page.text)
        if page.status_code != 200 or not match:
            return "error", 0.0
        started = time.perf_counter()
        response = session.post(
            f"{base_url}/cuenta/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": match.group(1)},
            headers={**headers, "Referer": f"{base_url}/cuenta/login/"},
            allow_redirects=False,
            timeout=30,
        )
        seconds = time.perf_counter() - started
    except requests.RequestException:
        return "error", 0.0
    if response.status_code == 302 and "login" not in response.headers.get("Location", ""):
        return "ok", seconds
    if response.status_code == 429 or any(t in response.text for t in TOO_MANY):
        return "refused", seconds
    return "error", seconds


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


def rush(base_url: str, emails: list[str], *, concurrency: int = DEFAULT_CONCURRENCY) -> dict:
    """Every account signs in once, `concurrency` at a time; the figures of the results JSON."""
    from .seed import BENCH_PASSWORD

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(lambda e: _sign_in(base_url, e, BENCH_PASSWORD), emails))
    seconds = time.perf_counter() - started
    signed_in = sum(1 for state, _s in outcomes if state == "ok")
    return {
        "users": len(emails),
        "seconds": round(seconds, 1),
        "signed_in": signed_in,
        "refused": sum(1 for state, _s in outcomes if state == "refused"),
        "errors": sum(1 for state, _s in outcomes if state == "error"),
        "sign_ins_per_second": round(signed_in / seconds, 1) if seconds else None,
        "p95_ms": _p95([s for state, s in outcomes if state != "error"]),
        "concurrency": concurrency,
        "proxy_address": NAT_ADDRESS,
    }


def measure(base_url: str, *, users: int = DEFAULT_USERS, log=print) -> dict:
    """For bench.run: make the accounts, then the rush against the running stack."""
    log(f"== sign-in rush: {users} learners through one proxy address")
    emails = ensure_accounts(users)
    result = rush(base_url, emails, concurrency=int(os.environ.get("RUSH_CONCURRENCY", "16")))
    log(
        f"  sign_in_rush  {result['signed_in']}/{result['users']} in {result['seconds']} s,"
        f" refused {result['refused']}, errors {result['errors']}, p95 {result['p95_ms']} ms"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.signin_rush --users 100`: migrate the benchmark database (created if
    missing, never dropped), start the stack, run the rush, write bench/results/…json."""
    parser = argparse.ArgumentParser(description="The morning sign-in rush, alone.")
    parser.add_argument("--users", type=int, default=DEFAULT_USERS)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args(argv)
    os.environ.setdefault("RUSH_CONCURRENCY", str(args.concurrency))

    from .run import DEFAULT_DATABASE_URL, LOGS, RESULTS, bench_environment

    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    env = bench_environment(database_url)
    env["TRUSTED_PROXY_COUNT"] = "1"  # as behind nginx
    _create_database_if_missing(database_url)
    os.environ.update(env)
    LOGS.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command

    from .report import machine_facts
    from .stack import ensure_static, running_stack

    call_command("migrate", interactive=False, verbosity=0)
    ensure_static(env)
    emails = ensure_accounts(args.users)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # no counters from an earlier run
    with running_stack(env, LOGS, worker=False) as stack:
        result = rush(stack.base_url, emails, concurrency=args.concurrency)
    import json
    from datetime import datetime

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"signin-rush-{datetime.now():%Y%m%d-%H%M%S}.json"
    payload = {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "sign_in_rush": result,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2))
    print(f"JSON: {path.relative_to(Path(__file__).resolve().parent.parent)}")
    return 0 if not result["errors"] and not result["refused"] else 1


def _create_database_if_missing(database_url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
