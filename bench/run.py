"""`python -m bench.run --scale S`: seed, serve with the production stack, measure, report.

1. Drops and recreates the benchmark database (DATABASE_URL, PostgreSQL only), migrates.
2. Seeds the data set (bench.seed, fixed random seed), then one `update_index`.
3. collectstatic, then gunicorn (deploy/gunicorn.conf.py, production settings: DEBUG=0) and a
   Celery worker on Redis, as separate processes.
4. Each page: checked and its SQL queries counted in process, then loaded with wrk from a
   separate process (concurrency 16), three times, each run right after a run of the bare view
   (bare, page, bare, page...): its ratio to the bare view is the median of the three. The bare
   view is the yardstick, and a stock Wagtail page (wagtailcore.Page, no project code) a
   second one in the same run: what Wagtail itself costs.
5. In-process measurements (bench.inprocess): exports, certificate issuance, imports.
6. A table on the terminal and bench/results/<timestamp>.json.
"""

import argparse
import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.stack import production_environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/relevo_bench"
# Each page is loaded this many times, each time right after a run of the bare view, and the
# median of its ratios is reported: on a shared machine one run can fall on a busy moment.
ROUNDS = 3


def split_rotation(target, rounds: int) -> list:
    """The target once per round; a rotating POST gets its own share of the rotation in each
    round, so that no round replays a request another round already made (a second submit of
    one attempt is a 409, not a grading)."""
    from dataclasses import replace

    if not target.rotation:
        return [target] * rounds
    parts = [target.rotation[i::rounds] for i in range(rounds)]
    return [
        replace(target, rotation=part, path=part[0][0], user_id=part[0][1])
        for part in parts
        if part
    ]


def bench_environment(database_url: str) -> dict[str, str]:
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
    return production_environment(
        database_url=database_url,
        redis_url=os.environ.get("BENCH_REDIS_URL", f"{redis}/10"),
        broker_url=os.environ.get("BENCH_BROKER_URL", f"{redis}/11"),
        var_dir=LOGS,
        BENCHMARK_ENDPOINTS="1",
        # All load comes from one address (wrk on 127.0.0.1): the per-address limit of the
        # public verification page would answer 429 and measure the limiter, not the page.
        CERTIFICATE_VERIFY_RATE_LIMIT_PER_MINUTE="1000000000",
        GUNICORN_ACCESSLOG=os.environ.get("GUNICORN_ACCESSLOG", ""),
        # As behind nginx: the sign-in rush comes through one proxy address (bench.signin_rush).
        TRUSTED_PROXY_COUNT="1",
    )


def recreate_database(database_url: str) -> None:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    if not url.scheme.startswith(("postgres", "pgsql")) or not name:
        sys.exit(f"The benchmark runs on PostgreSQL only; DATABASE_URL={database_url}")
    admin = url._replace(path="/postgres").geturl().replace("pgsql://", "postgresql://")
    admin = admin.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(env: dict) -> None:
    import redis

    for key in ("REDIS_URL", "CELERY_BROKER_URL"):
        redis.Redis.from_url(env[key]).flushdb()


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, help="seconds of load per page")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--only", help="comma-separated target keys to load (and bare)")
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument("--rush-users", type=int, default=2000, help="sign-in rush (0: skip)")
    args = parser.parse_args(argv)
    # Stopped from outside (kill, a CI timeout): unwind, so that the gunicorn and Celery
    # process groups the run started are stopped too instead of serving on.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    duration = args.duration or max(4.0, min(10.0, 10.0 * args.scale**0.3))
    if not shutil.which("wrk") and not os.access("/usr/bin/wrk", os.X_OK):
        # Found before minutes of seeding, not after them (bench.load runs Debian's wrk).
        sys.exit("The benchmark loads pages with wrk, not found: apt-get install -y wrk")

    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", DEFAULT_DATABASE_URL
    )
    if not database_url.startswith(("postgres", "pgsql")):
        database_url = DEFAULT_DATABASE_URL
    env = bench_environment(database_url)
    os.environ.update(env)
    LOGS.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        log(f"== database {urlparse(database_url).path.lstrip('/')}: drop, create, migrate")
        recreate_database(database_url)
    flush_redis(env)

    import django

    django.setup()
    from django.core.management import call_command

    from . import inprocess, report, seed, targets
    from .load import wrk
    from .stack import ensure_static, running_stack

    phase = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - phase
    facts_path = LOGS / "facts.json"
    if args.reuse and facts_path.exists():
        facts = seed.Facts(**report.json.loads(facts_path.read_text()))
        log("== reusing the seeded data set")
    else:
        log(f"== seeding at scale {args.scale}")
        facts = seed.seed_all(args.scale, log=log)
        phase = time.perf_counter()
        call_command("update_index", verbosity=0)
        facts.seconds["update_index"] = round(time.perf_counter() - phase, 1)
        log(f"  update_index           {facts.seconds['update_index']:>6.1f} s")
        facts_path.write_text(report.json.dumps(facts.__dict__))
    facts.seconds["migrate"] = round(migrate_seconds, 1)
    # Fresh planner statistics after the bulk load, as autovacuum would give them in time.
    phase = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    facts.seconds["vacuum_analyze"] = round(time.perf_counter() - phase, 1)

    phase = time.perf_counter()
    if ensure_static(env):
        facts.seconds["collectstatic"] = round(time.perf_counter() - phase, 1)
    from django.contrib.staticfiles.storage import staticfiles_storage

    if hasattr(staticfiles_storage, "load_manifest"):  # collected after this process started
        manifest = staticfiles_storage.load_manifest()
        staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = manifest

    pages = targets.discover(facts)
    if args.only:
        keep = {"bare", *args.only.split(",")}
        pages = [t for t in pages if t.key in keep]
    log(f"== checking {len(pages)} pages in process (status, SQL queries)")
    logging.disable(logging.ERROR)  # a page that fails is reported once, below, not traced
    for target in pages:
        targets.check(target)
        if target.problem:
            log(f"  {target.key}: skipped, {target.problem}")
    logging.disable(logging.NOTSET)

    log(
        f"== load: wrk -c16, {duration:.0f} s per run, gunicorn + Celery worker; each page "
        f"{ROUNDS} times, each run next to a run of the bare view (bare, page, bare, page...)"
    )
    bare = next((t for t in pages if t.key == "bare"), None)
    results = []
    with running_stack(env, LOGS) as stack:
        bare_runs: list[dict] = []
        for target in pages:
            if target.problem:
                results.append(report.page_row(target, None))
                continue
            if target is bare:
                continue  # measured next to every page below
            # Warm-up: a rotating POST (start, submit) warms up on the bare view instead, so
            # that the measured runs still find every attempt of their rotation unused.
            warm = bare if target.rotation and bare is not None else target
            wrk(stack.base_url, warm, duration=min(2.0, duration))
            rounds = []
            for part in split_rotation(target, ROUNDS):
                bare_run = wrk(stack.base_url, bare, duration=duration) if bare else None
                measured = wrk(stack.base_url, part, duration=duration)
                rounds.append((bare_run, measured))
                if bare_run:
                    bare_runs.append(bare_run)
                # wrk stops sending, but the server finishes the requests in flight: let
                # them end before the next run is measured.
                time.sleep(min(30.0, 0.5 + (measured.get("max_ms") or 0) / 1000))
            results.append(report.page_row(target, report.median_round(rounds)))
            log(report.progress_line(results[-1]))
        if bare is not None and not bare.problem:
            results.insert(0, report.page_row(bare, report.bare_summary(bare_runs)))
        rush = None
        if args.rush_users:
            from .signin_rush import measure

            rush = measure(stack.base_url, users=args.rush_users, log=log)
        if not args.skip_inprocess:
            log("== in-process measurements")
            measurements = inprocess.run_all(facts, env=env, log=log)
        else:
            measurements = []

    from .profile import profile_page, slowest

    worst = slowest(results, pages)
    profile_path = None
    if worst is not None:
        name = f"profile-{worst.key}-scale{args.scale:g}.txt"
        profile_path = profile_page(worst, RESULTS / name)
        if profile_path:
            log(f"== profile of the slowest page ({worst.key}): bench/results/{name}")

    total = time.perf_counter() - started
    path = report.write_json(
        RESULTS,
        facts=facts,
        pages=results,
        measurements=measurements,
        total_seconds=total,
        duration=duration,
        profile=str(profile_path.relative_to(ROOT)) if profile_path else None,
        extra={"sign_in_rush": rush} if rush else None,
    )
    print()
    print(report.table(results, measurements, facts))
    print(f"\nTotal {total / 60:.1f} min. JSON: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
