"""Load from a separate process: Debian's wrk, concurrency 16, one run per page."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .targets import Target, csrf_token, session_cookie

LUA = Path(__file__).resolve().parent / "wrk" / "report.lua"
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def wrk(base_url: str, target: Target, *, duration: float, connections: int = 16) -> dict:
    """Run wrk against one target; returns req/s, latency percentiles (ms) and error counts."""
    with tempfile.TemporaryDirectory(prefix="relevo-bench-") as tmp:
        body_file = "-"
        if target.method == "POST":
            body_file = str(Path(tmp) / "body")
            Path(body_file).write_text(target.body)
        paths_file = ""
        if target.rotation:
            paths_file = str(Path(tmp) / "paths")
            Path(paths_file).write_text(
                "".join(
                    f"{path}\t{session_cookie(user_id)}\t{csrf_token()}\n"
                    for path, user_id in target.rotation
                )
            )
        threads = 2
        args = [
            WRK,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
        ]
        cookie = session_cookie(target.user_id)
        if cookie and not target.rotation:
            args += ["-H", f"Cookie: {cookie}"]
            if target.method == "POST":
                args += ["-H", f"X-CSRFToken: {csrf_token()}"]
        args += ["-s", str(LUA), base_url + target.path, "--", target.method, body_file]
        args += [paths_file, str(threads)]
        completed = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {completed.stdout}\n{completed.stderr}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    seconds = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": {k: v for k, v in errors.items() if v},
    }
