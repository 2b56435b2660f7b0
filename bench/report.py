"""The terminal table and the JSON file of a benchmark run."""

import json
import os
import platform
from datetime import datetime
from pathlib import Path

from .targets import STOCK_WAGTAIL_KEY, Target


def page_row(target: Target, measured: dict | None) -> dict:
    row = {
        "key": target.key,
        "page": target.label,
        "method": target.method,
        "path": target.path,
        "signed_in": target.user_id is not None,
        "queries": target.queries,
        "status": target.status,
        "skipped": target.problem or None,
        "budget": {
            "min_ratio": target.min_ratio,
            "max_p95_ms": target.max_p95_ms,
            "min_ratio_to_wagtail": target.min_ratio_to_wagtail,
        },
    }
    if measured:
        row.update(measured)
    return row


def median_round(rounds: list[tuple[dict | None, dict]]) -> dict:
    """One page's rounds (bare run, page run), reported as the round of the median ratio: its
    figures, the median ratio and every round's, so the spread is in the JSON too."""
    scored = []
    for bare_run, page_run in rounds:
        bare_rps = (bare_run or {}).get("rps") or None
        ratio = round(page_run["rps"] / bare_rps, 3) if bare_rps else None
        scored.append((ratio, bare_rps, page_run))
    ordered = sorted(scored, key=lambda r: (r[0] is None, r[0] or 0.0))
    ratio, bare_rps, chosen = ordered[(len(ordered) - 1) // 2]
    return {
        **chosen,
        "ratio": ratio,
        "bare_rps": bare_rps,
        "rounds": [
            {"ratio": r, "bare_rps": b, "rps": p["rps"], "p95_ms": p["p95_ms"]}
            for r, b, p in scored
        ],
    }


def bare_summary(runs: list[dict]) -> dict:
    """The bare view over all its runs: the run of median throughput, and the spread."""
    if not runs:
        return {}
    ordered = sorted(runs, key=lambda r: r["rps"])
    chosen = ordered[len(ordered) // 2]
    return {
        **chosen,
        "ratio": 1.0,
        "runs": len(runs),
        "rps_min": ordered[0]["rps"],
        "rps_max": ordered[-1]["rps"],
    }


def _ratios(rows: list[dict]) -> None:
    bare = next((r.get("rps") for r in rows if r["key"] == "bare"), None) or None
    wagtail = next((r for r in rows if r["key"] == STOCK_WAGTAIL_KEY and r.get("ratio")), None)
    for row in rows:
        # Interleaved runs carry their own median ratio; a row without one (an older JSON)
        # is compared with the bare row.
        if row.get("ratio") is None and bare and row.get("rps") is not None:
            row["ratio"] = round(row["rps"] / bare, 3)
        if wagtail and row.get("ratio") is not None:
            # Both ratios are to the bare view of their own rounds: their quotient is the
            # page's cost in units of a stock Wagtail page, machine load cancelled.
            row["ratio_to_wagtail"] = round(row["ratio"] / wagtail["ratio"], 3)
        verdicts = []
        budget = row["budget"]
        if budget["min_ratio"] is not None and row.get("ratio") is not None:
            met = row["ratio"] >= budget["min_ratio"]
            within = budget.get("min_ratio_to_wagtail")
            if not met and within is not None and row.get("ratio_to_wagtail") is not None:
                met = row["ratio_to_wagtail"] >= within
            verdicts.append(met)
        if budget["max_p95_ms"] is not None and row.get("p95_ms") is not None:
            verdicts.append(row["p95_ms"] <= budget["max_p95_ms"])
        row["budget_met"] = all(verdicts) if verdicts else None


def progress_line(row: dict) -> str:
    errors = f"  errors {row['errors']}" if row.get("errors") else ""
    return (
        f"  {row['key']:<14} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:>6.1f} ms"
        f"  p95 {row['p95_ms']:>6.1f} ms  queries {row['queries']}{errors}"
    )


def _ratio_text(row: dict) -> str:
    return f"{row['ratio']:.2f}" if row.get("ratio") is not None else "–"


def _wagtail_text(row: dict) -> str:
    return f"{row['ratio_to_wagtail']:.2f}" if row.get("ratio_to_wagtail") is not None else "–"


def _budget_text(row: dict) -> str:
    budget = row["budget"]
    parts = []
    if budget["min_ratio"] is not None:
        within = budget.get("min_ratio_to_wagtail")
        parts.append(
            f"≥{budget['min_ratio']:g}"
            + (f" or ≥{within:g}× Wagtail" if within is not None else "")
        )
    if budget["max_p95_ms"] is not None:
        parts.append(f"p95<{budget['max_p95_ms']:g}")
    if not parts:
        return ""
    verdict = {True: "met", False: "MISSED", None: ""}[row.get("budget_met")]
    return f"{' '.join(parts)} {verdict}".strip()


def table(rows: list[dict], measurements: list[dict], facts) -> str:
    _ratios(rows)
    lines = [
        f"Relevo benchmark, scale {facts.scale:g}: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in facts.counts.items()),
        "",
        "| page | req/s | ratio to bare (median of 3) | to stock Wagtail | p50 ms | p95 ms "
        "| queries | budget |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.get("skipped"):
            lines.append(f"| {row['page']} | – | – | – | – | – | – | skipped: {row['skipped']} |")
            continue
        errors = f" ({sum(row['errors'].values())} errors)" if row.get("errors") else ""
        lines.append(
            f"| {row['page']} | {row['rps']:.0f}{errors} | {_ratio_text(row)} | "
            f"{_wagtail_text(row)} | "
            f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} | {_budget_text(row)} |"
        )
    if measurements:
        lines += ["", "| in process | result | budget |", "|---|---|---|"]
        for m in measurements:
            lines.append(f"| {m['name']} | {m['summary']} | {m.get('budget', '')} |")
    return "\n".join(lines)


def machine_facts() -> dict:
    import django
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
    }


def write_json(
    folder: Path, *, facts, pages, measurements, total_seconds, duration, profile=None, extra=None
) -> Path:
    _ratios(pages)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}.json"
    payload = {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "scale": facts.scale,
        "machine": machine_facts(),
        "load": {
            "tool": "wrk",
            "connections": 16,
            "threads": 2,
            "seconds_per_run": duration,
            "rounds_per_page": 3,
            "interleaved_with_bare": True,
        },
        "data": {"counts": facts.counts, "seed_seconds": facts.seconds},
        "pages": pages,
        "in_process": measurements,
        "total_seconds": round(total_seconds, 1),
        "profile_of_slowest_page": profile,
        **(extra or {}),
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path
