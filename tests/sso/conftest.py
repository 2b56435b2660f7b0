"""Fixtures of the single sign-on tests: a real OpenID Connect provider (django-oidc-provider,
tests/sso/idp) in a subprocess on a free port, and Relevo's settings as the documented
environment variables make them (config/settings/base.py evaluated in a subprocess)."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.sso.idp.constants import CLIENT_ID, CLIENT_SECRET, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "ministerio"
CALLBACK_PATH = f"/cuenta/oidc/{PROVIDER_ID}/login/callback/"
IDP_PASSWORD = PASSWORD


# The SSO tests start a provider and a browser: CI runs its suite twice (SQLite, then the real
# services), and these run in the first only (their subject is not the services).
# Once per CI run, in the services pass: on SQLite the live server shares the test's in-memory
# connection, and in the full parallel run a callback request from the provider deadlocked on it
# (the run hung for 20 minutes). PostgreSQL gives each thread its own connection.
run_once = pytest.mark.skipif(
    os.environ.get("RELEVO_REQUIRE_SERVICES") != "1" and os.environ.get("RELEVO_SSO") != "1",
    reason="SSO provider tests run once, in the services pass (PostgreSQL); RELEVO_SSO=1 here",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _idp_env(db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="tests.sso.idp.settings", IDP_DB=str(db))
    return env


@dataclass
class IdentityProvider:
    db: Path
    port: int
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=_idp_env(self.db),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(150):
            try:
                requests.get(f"{self.url}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the test identity provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def allow_site(self, site_url: str) -> None:
        """Register a site's callback and post-logout URLs with the provider's client."""
        script = (
            "import django; django.setup();"
            "from oidc_provider.models import Client;"
            f"c = Client.objects.get(client_id={CLIENT_ID!r});"
            f"c._redirect_uris += '\\n{site_url}{CALLBACK_PATH}';"
            f"c._post_logout_redirect_uris += '\\n{site_url}/';"
            "c.save()"
        )
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_idp_env(self.db), check=True)


@pytest.fixture(scope="session")
def oidc_idp(tmp_path_factory):
    db = tmp_path_factory.mktemp("idp") / "idp.sqlite3"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.sso.idp.seed",
            f"http://testserver{CALLBACK_PATH}",
            "--logout",
            "http://testserver/",
        ],
        cwd=ROOT,
        env=_idp_env(db),
        check=True,
    )
    idp = IdentityProvider(db=db, port=free_port())
    idp.start()
    yield idp
    idp.stop()


def documented_settings(env: dict) -> dict:
    """The SSO settings config/settings/base.py builds from these environment variables alone."""
    script = (
        "import json, config.settings.base as s;"
        "print(json.dumps({'SOCIALACCOUNT_PROVIDERS': s.SOCIALACCOUNT_PROVIDERS,"
        " 'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'],"
        " 'SSO_MFA_VALUES': s.SSO_MFA_VALUES, 'SSO_ACCOUNT_POLICY': s.SSO_ACCOUNT_POLICY}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OIDC_", "SSO_", "SAML_", "CSP_", "DJANGO_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def oidc_env(oidc_idp) -> dict:
    """Exactly the README's variables, pointing at the test provider."""
    return {
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SERVER_URL": oidc_idp.url,
        "SSO_MFA_VALUES": "otp",
    }


@pytest.fixture(scope="session")
def oidc_documented(oidc_env) -> dict:
    return documented_settings(oidc_env)


@pytest.fixture
def oidc_settings(settings, oidc_documented):
    """This process's settings as the documented variables make them; the cache local to the
    test (discovery documents are kept there)."""
    from django.core.cache import cache

    settings.SOCIALACCOUNT_PROVIDERS = json.loads(
        json.dumps(oidc_documented["SOCIALACCOUNT_PROVIDERS"])
    )
    settings.SSO_MFA_VALUES = oidc_documented["SSO_MFA_VALUES"]
    settings.SSO_ACCOUNT_POLICY = "imported"
    policy = json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))
    policy["DIRECTIVES"]["form-action"] = oidc_documented["form_action"]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.MFA_REQUIRED_FOR_ROLES = []
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sso"}
    }
    cache.clear()
    return settings


# The SAML IdP's fixtures (imported last: they use the helpers above).
from tests.sso.saml_fixtures import saml_documented, saml_idp, saml_settings  # noqa: E402, F401
