"""Measurements taken in process: exports, certificate issuance, imports.

Each runs in a child process (`python -m bench.inprocess NAME`) with the production settings,
so that its peak memory (ru_maxrss) is its own, and only when its capability exists on this
checkout. The child prints one line "BENCHJSON {...}".
"""

import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASUREMENT_TIMEOUT_SECONDS = 600


def model(label: str):
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own address space;
    getrusage's ru_maxrss survives fork and exec on Linux, so it would report the parent's
    peak (the seeding benchmark process), not the measurement's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _fresh_completed_enrolments(count: int, tag: str) -> list[int]:
    """Completed enrolments of new accounts (no certificate yet), in one transaction."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    User = get_user_model()
    Enrolment = model("courses.Enrolment")
    CoursePage = model("courses.CoursePage")
    course = CoursePage.objects.order_by("pk").first()
    stamp = time.time_ns()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{tag}-{stamp}-{i}@bench.relevo",
                    first_name="Prueba",
                    last_name=f"Emisión {i}",
                )
                for i in range(count)
            ]
        )
        now = timezone.now()
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    learner=user,
                    course=course,
                    status="completed",
                    progress_percent=100,
                    completed_at=now,
                )
                for user in users
            ]
        )
    return [e.pk for e in enrolments]


# --- the measurements (run in the child) -----------------------------------------------------


def measure_compliance_export(facts: dict) -> dict | None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .targets import url_exists

    path = "/talento-humano/exportar/cumplimiento.csv"
    if not url_exists(path):
        return None
    client = Client()
    client.force_login(get_user_model().objects.get(pk=facts["ids"]["hr"]))
    baseline = _peak_mb()
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        return {"name": "Compliance export (CSV)", "summary": f"HTTP {response.status_code}"}
    rows = -1  # the header
    size = 0
    content = response.streaming_content if response.streaming else [response.content]
    for chunk in content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    return {
        "name": "Compliance export (CSV)",
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "megabytes": round(size / 1e6, 1),
        "peak_rss_mb": peak,
        "baseline_rss_mb": baseline,
        "summary": f"{rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), "
        f"peak RSS {peak:.0f} MB (process at start {baseline:.0f} MB)",
        "budget": "500,000 rows at SCALE=1, peak < 300 MB: " + ("met" if peak < 300 else "MISSED"),
    }


def measure_certificate_issue(facts: dict) -> dict | None:
    if model("certificates.Certificate") is None:
        return None
    from certificates.services import certificate_issue

    timings = []
    for enrolment_id in _fresh_completed_enrolments(3, "issue-one"):
        started = time.perf_counter()
        certificate_issue(enrolment_id=enrolment_id)
        timings.append(time.perf_counter() - started)
    first, rest = timings[0], sorted(timings[1:])
    return {
        "name": "Issue one certificate (PDF, signature, credential)",
        "first_seconds": round(first, 3),
        "seconds": [round(t, 3) for t in timings],
        "summary": f"{rest[0]:.2f} s warm, {first:.2f} s first in the process (fonts, key)",
        "budget": "< 1 s: " + ("met" if rest[0] < 1 else "MISSED"),
    }


def measure_certificate_bulk(facts: dict) -> dict | None:
    Certificate = model("certificates.Certificate")
    if Certificate is None:
        return None
    from django.db import transaction

    from core.outbox import outbox_enqueue

    count = max(10, round(1000 * facts["scale"]))
    ids = _fresh_completed_enrolments(count, "issue-bulk")
    started = time.perf_counter()
    with transaction.atomic():
        for enrolment_id in ids:
            outbox_enqueue(
                task_name="certificates.tasks.issue_certificate",
                kwargs={"enrolment_id": enrolment_id},
                dedupe_key=f"certificate:{enrolment_id}",
            )
    enqueued = time.perf_counter() - started
    deadline = started + max(120, count * 3)
    done = 0
    while time.perf_counter() < deadline:
        done = Certificate.objects.filter(enrolment_id__in=ids).count()
        if done >= count:
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    return {
        "name": f"Bulk issue {count:,} certificates (Celery worker, concurrency 2)",
        "count": count,
        "issued": done,
        "seconds": round(seconds, 1),
        "enqueue_seconds": round(enqueued, 2),
        "per_second": round(done / seconds, 2),
        "summary": f"{done:,}/{count:,} in {seconds:.0f} s ({done / seconds:.1f}/s)",
    }


def measure_staff_import(facts: dict) -> dict | None:
    OrgUnit = model("people.OrgUnit")
    try:
        from people.cedula import cedula_check_digit
        from people.importing import COLUMNS, import_file
    except ImportError:
        return None
    rng = random.Random(7)
    count = max(100, round(10_000 * facts["scale"]))
    codes = list(OrgUnit.objects.filter(kind="unit").values_list("code", flat=True)[:200])
    stamp = time.time_ns() % 10**6
    lines = [",".join(COLUMNS)]
    for i in range(count):
        # A valid cédula (province, third digit below 6, check digit), new for each run.
        n = stamp * 10_000 + i
        first_nine = f"{1 + n // 6_000_000 % 24:02d}{n // 1_000_000 % 6}{n % 1_000_000:06d}"
        row = {
            "cedula": f"{first_nine}{cedula_check_digit(first_nine)}",
            "nombres": rng.choice(["Ana", "Luis", "Marta", "Pedro"]),
            "apellidos": rng.choice(["Vera Ruiz", "Mena Paz", "Loor Gil"]),
            "correo": f"import-{stamp}-{i}@bench.relevo",
            "unidad": rng.choice(codes),
            "cargo": "Analista",
            "fecha_ingreso": "2024-01-15",
            "estado": "activo",
        }
        lines.append(",".join(row.get(column, "") for column in COLUMNS))
    content = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    plan, summary = import_file(filename="bench.csv", content=content)
    seconds = time.perf_counter() - started
    if summary is None:
        errors = [e.as_dict() for e in plan.errors[:3]] if hasattr(plan, "errors") else []
        return {"name": "Staff import (CSV)", "summary": f"refused: {errors}"}
    return {
        "name": f"Staff import ({count:,} new people, CSV)",
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
        "result": summary,
        "summary": f"{count:,} rows in {seconds:.1f} s ({count / seconds:,.0f} rows/s)",
    }


def measure_gift_import(facts: dict) -> dict | None:
    try:
        from assessments.services import questions_import
    except ImportError:
        return None
    rng = random.Random(11)
    count = max(100, round(2_000 * facts["scale"]))
    stamp = time.time_ns() % 10**6
    blocks = []
    for i in range(count):
        right = rng.randint(0, 3)
        choices = " ".join(
            f"{'=' if k == right else '~'}Opción {k + 1} de la pregunta {i}" for k in range(4)
        )
        blocks.append(f"::P{i}:: ¿Cuál es la respuesta correcta a la pregunta {i}? {{ {choices} }}")
    text = "\n\n".join(blocks) + "\n"
    started = time.perf_counter()
    questions_import(text=text, fmt="gift", category_path=f"Bench/GIFT {stamp}")
    seconds = time.perf_counter() - started
    return {
        "name": f"GIFT import ({count:,} questions)",
        "questions": count,
        "seconds": round(seconds, 2),
        "questions_per_second": round(count / seconds),
        "summary": f"{count:,} questions in {seconds:.1f} s ({count / seconds:,.0f}/s)",
    }


def measure_quality_monthly(facts: dict) -> dict | None:
    """Issue 18: the daily job's monthly computation of 20 indicators (institution and units to
    depth 2), then the results matrix rendered from the stored series (queries counted)."""
    if model("quality.Indicator") is None:
        return None
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from quality.indicators import indicators_compute
    from quality.models import Indicator

    requirement = model("people.Requirement").objects.order_by("pk").first()
    sources = [s for s in Indicator.Source.values if s != Indicator.Source.MANUAL]
    for n in range(20):
        source = sources[n % len(sources)]
        Indicator.objects.get_or_create(
            name=f"bench-indicator-{n}",
            defaults={
                "objective": "bench",
                "source": source,
                "requirement": requirement if source == Indicator.Source.CERTIFIED else None,
                "baseline": Decimal(10),
                "baseline_date": date(2025, 1, 1),
                "target": Decimal(80),
                "target_date": date(2027, 12, 31),
                "verification": "bench",
            },
        )
    started = time.perf_counter()
    stored = indicators_compute()["values"]
    seconds = time.perf_counter() - started
    client = Client()
    client.force_login(get_user_model().objects.get(pk=facts["ids"]["hr"]))
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/calidad/matriz/").status_code
    return {
        "name": "Quality: monthly indicators (20) and the matrix",
        "seconds": round(seconds, 2),
        "values": stored,
        "matrix_queries": len(queries),
        "summary": f"{stored} values in {seconds:.1f} s; matrix HTTP {status} in "
        f"{len(queries)} queries",
    }


MEASUREMENTS: dict[str, Callable[[dict], dict | None]] = {
    "compliance_export": measure_compliance_export,
    "certificate_issue": measure_certificate_issue,
    "certificate_bulk": measure_certificate_bulk,
    "staff_import": measure_staff_import,
    "gift_import": measure_gift_import,
    "quality_monthly": measure_quality_monthly,
}


# --- the parent side ---------------------------------------------------------------------------


def run_all(facts, *, env: dict, log: Callable[[str], None]) -> list[dict]:
    facts_file = ROOT / "var" / "bench" / "facts.json"
    facts_file.write_text(json.dumps(facts.__dict__))
    results = []
    for name in MEASUREMENTS:
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "bench.inprocess", name, str(facts_file)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=MEASUREMENT_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            log(f"  {name}: timed out after {MEASUREMENT_TIMEOUT_SECONDS} s")
            results.append(
                {"name": name, "summary": f"timed out after {MEASUREMENT_TIMEOUT_SECONDS} s"}
            )
            continue
        line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
        if line is None:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
            log(f"  {name}: failed: {' | '.join(tail)}")
            results.append({"name": name, "summary": "failed: " + " | ".join(tail)[:300]})
            continue
        result = json.loads(line.removeprefix("BENCHJSON "))
        if result is None:
            continue
        results.append(result)
        log(f"  {result['name']:<52} {result['summary']}")
    return results


def main(argv: list[str]) -> int:
    import django

    import config  # noqa: F401  (the project's Celery app, as in the web processes)

    django.setup()
    name, facts_file = argv
    result = MEASUREMENTS[name](json.loads(Path(facts_file).read_text()))
    print("BENCHJSON " + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
