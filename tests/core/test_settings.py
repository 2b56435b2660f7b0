import os
import re
import secrets
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


def _example_environment() -> dict:
    env = {}
    for line in (ROOT / "docs" / "production.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def _committed_secret_keys() -> set[str]:
    """Every SECRET_KEY value written literally in a tracked file (`SECRET_KEY=...`,
    `"SECRET_KEY": "..."`, `SECRET_KEY = "..."`), plus the demo key."""
    from config.settings.base import DEMO_SECRET_KEY

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    pattern = re.compile(r"""SECRET_KEY["']?\s*[=:,]\s*["']?([A-Za-z0-9_\-]{8,})""")
    keys = {DEMO_SECRET_KEY}
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".mo", ".png", ".jpg", ".pdf", ".p12", ".ico", ".woff2"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        keys.update(pattern.findall(text))
    return keys


def test_every_secret_key_written_in_the_repository_is_refused():
    from config.settings.base import secret_key_is_placeholder

    keys = _committed_secret_keys()
    assert _example_environment()["SECRET_KEY"] in keys
    for key in keys:
        assert secret_key_is_placeholder(key), key
    # Keys built in code in this repository (tests, bench) are refused as well.
    for key in [
        "test-only-secret-key-" + "x" * 40,
        "relevo-local-stack-only-secret-key-" + "s" * 40,
        "another-secret-key-" + "y" * 40,
    ]:
        assert secret_key_is_placeholder(key), key
    assert not secret_key_is_placeholder(secrets.token_urlsafe(64))


def test_production_refuses_the_example_placeholder_secret_key():
    env = _example_environment()
    result = _run("import config.settings.base", env)
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_check_deploy_injects_a_generated_key_and_is_clean():
    # `-o` keeps make from (re)installing the virtualenv: only the recipe runs.
    result = subprocess.run(
        ["make", "-o", ".venv/.installed", "check-deploy"],
        cwd=ROOT,
        env=_clean_environ(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
