import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# Variables the test settings put in this process's environment: a subprocess that plays
# production must not inherit them.
TEST_ONLY = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LOG_JSON",
    "MFA_REQUIRED_FOR_ROLES",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by tests/e2e/conftest.py for Playwright
}


def _clean_environ() -> dict:
    return {k: v for k, v in os.environ.items() if k not in TEST_ONLY}


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = _clean_environ()
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_refuses_missing_secret_key():
    result = _run("import config.settings.base", {"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_demo_secret_key_and_wildcard_hosts():
    from config.settings.base import DEMO_SECRET_KEY

    result = _run(
        "import config.settings.base",
        {"DEBUG": "0", "SECRET_KEY": DEMO_SECRET_KEY, "ALLOWED_HOSTS": "*"},
    )
    assert result.returncode != 0
    assert "demo key" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_under_documented_production_environment():
    env = {}
    for line in (ROOT / "docs" / "production.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    # The example points at real services; `check --deploy` does not connect to them.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**_clean_environ(), **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
