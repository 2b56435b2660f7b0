"""gunicorn configuration for Relevo: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so the same file serves a
small VM, a large one and the benchmark. Web processes are stateless: sessions live in
PostgreSQL, cache and broker in Redis, media in shared or object storage, so more nodes behind
the reverse proxy scale the web tier horizontally.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads overlap the time a request waits on PostgreSQL or Redis; processes use the cores.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
# Load Django once in the master and fork: faster start, less memory (copy-on-write). Database
# connections are opened per worker after the fork, never inherited.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so that a slow leak never takes a node down; jitter keeps them
# from restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Bodies larger than this are refused by the reverse proxy first (client_max_body_size).
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stdout/stderr: systemd's journal or the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "relevo-web"
# /dev/shm keeps the worker heartbeat off slow disks (containers, network volumes).
_SHM = "/dev/shm"  # noqa: S108 (gunicorn's own advice; only heartbeat files live there)
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
