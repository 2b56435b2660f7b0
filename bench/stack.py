"""Start and stop the production processes: gunicorn, a Celery worker and beat.

Shared by the benchmark and by tests/integration/test_production_stack.py, so that both
exercise the same commands as docs/deployment.md and deploy/systemd/.
"""

import contextlib
import hashlib
import os
import secrets
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


# Variables the test settings put into os.environ; a process playing production must not inherit them.
TEST_ONLY_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LOG_JSON",
    "MFA_REQUIRED_FOR_ROLES",
    "DJANGO_SETTINGS_MODULE",
    "CELERY_TASK_ALWAYS_EAGER",
}


def local_secret_key(var_dir: Path) -> str:
    """A random key kept with the stack's data (production refuses any key in the repository)."""
    path = var_dir / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


def production_environment(
    *, database_url: str, redis_url: str, broker_url: str, var_dir: Path, **extra: str
) -> dict[str, str]:
    """Production settings (DEBUG off, config.settings.base) for a local, plain-HTTP stack."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": local_secret_key(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on the loopback: no TLS proxy in front of it.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # Accounts sign in with a session cookie made in the calling process, not the MFA form.
        "MFA_REQUIRED_FOR_ROLES": "",
        "LOG_LEVEL": "WARNING",
        "LOG_JSON": "1",
        "MEDIA_ROOT": str(var_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(var_dir / "private-media"),
        "CERTIFICATE_DEV_KEY_DIR": str(var_dir / "dev-keys"),
        # No timestamp authority on a local stack, and production refuses to sign without one:
        # the development key with pyHanko's local test TSA (the same CPU work, no network).
        "CERTIFICATE_ALLOW_DEV_KEY": "1",
        "CERTIFICATE_SIGNING_P12_PATH": "",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def _static_fingerprint() -> str:
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def ensure_static(env: dict) -> bool:
    """Run collectstatic (hashed, compressed: what DEBUG off serves) unless the static files
    found are those of the last run. Returns True when it ran."""
    import fcntl

    from django.conf import settings

    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    stamp = root / ".relevo-fingerprint"
    fingerprint = _static_fingerprint()
    # Parallel test processes (xdist) may get here at once: one collects, the others wait.
    with (root / ".relevo-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = stamp.exists() and stamp.read_text() == fingerprint
        if fresh and (root / "staticfiles.json").exists():
            return False
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        stamp.write_text(fingerprint)
        return True


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


def _worker_queues(default: str) -> str:
    # The rule of config.celery.certificates_queue (not imported: it builds the Celery app).
    return f"{default},{'certificates' if default == 'celery' else default + '-certificates'}"


def celery_worker_command(concurrency: int = 2, *extra: str) -> list[str]:
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
        # Both queues: certificate tasks are routed to their own (config.celery.route_task).
        "--queues",
        _worker_queues(os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or "celery"),
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
