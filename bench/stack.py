"""Start and stop the production processes the benchmark measures: gunicorn and a Celery worker."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status < 500:
                    return
        except Exception as exc:
            last_error = exc
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s: {last_error}")


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Stop a process this module started (its own process group), gently then firmly."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def spawn(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() ends it and its children only
    )


def gunicorn_command(bind: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        bind,
        "config.wsgi",
    ]


def celery_worker_command(concurrency: int = 2, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "WARNING",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        *extra,
    ]


def celery_beat_command(schedule_file: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--loglevel",
        "WARNING",
        "--schedule",
        str(schedule_file),
    ]


@dataclass
class Stack:
    base_url: str
    web: subprocess.Popen
    worker: subprocess.Popen


@contextlib.contextmanager
def running_stack(env: dict, log_dir: Path, *, worker: bool = True) -> Iterator[Stack]:
    port = free_port()
    web = spawn(gunicorn_command(f"127.0.0.1:{port}"), env, log_dir / "gunicorn.log")
    celery = spawn(celery_worker_command(), env, log_dir / "celery-worker.log") if worker else None
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/healthz", process=web)
        yield Stack(base_url=base_url, web=web, worker=celery)
    finally:
        stop(web)
        if celery is not None:
            stop(celery)
