"""Fixtures of the SAML tests: the test IdP (tests/sso/saml_idp.py) in a subprocess on a free
port, and Relevo's settings as the documented SAML_* variables make them."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.sso.conftest import ROOT, free_port

IDP_PASSWORD = "clave-del-idp"
ORGANIZATION = "institucion"
BUTTON = f"/cuenta/saml/{ORGANIZATION}/login/?process=login"
MFA_CONTEXT = "https://refeds.org/profile/mfa"

USERS = {
    "ana": {"email": "ana.saml@example.gob.ec", "given": "Ana", "family": "Salazar"},
    "nuevo": {
        "email": "nuevo.saml@example.gob.ec",
        "given": "Nuevo",
        "family": "Ingreso",
        "attributes": {"unidad": "dir-saml", "cedula": "1755555555"},
    },
    "mfa": {"email": "mfa.saml@example.gob.ec", "given": "Marta", "family": "Fuentes", "mfa": True},
    "sinmail": {"email": "", "given": "Sin", "family": "Correo"},
    "noverif": {
        "email": "noverif.saml@example.gob.ec",
        "given": "No",
        "family": "Verificada",
        "verified": False,
    },
}


@dataclass
class SamlIdP:
    config: Path
    port: int
    cert: str
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sso.saml_idp", str(self.config), str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(150):
            try:
                requests.get(f"{self.url}/metadata", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the test SAML IdP did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml-idp")
    key, cert = folder / "idp.key", folder / "idp.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "30",
            "-subj",
            "/CN=idp-de-prueba",
        ],
        check=True,
        capture_output=True,
    )
    config = folder / "idp.json"
    config.write_text(
        json.dumps({"key": str(key), "cert": str(cert), "password": IDP_PASSWORD, "users": USERS})
    )
    idp = SamlIdP(config=config, port=free_port(), cert=cert.read_text())
    idp.start()
    yield idp
    idp.stop()


def saml_env(idp: SamlIdP, **extra) -> dict:
    """The documented variables, pointing at the test IdP."""
    return {
        "SAML_IDP_ENTITY_ID": f"{idp.url}/metadata",
        "SAML_IDP_SSO_URL": f"{idp.url}/sso",
        "SAML_IDP_SLO_URL": f"{idp.url}/slo",
        "SAML_IDP_X509CERT": idp.cert,
        "SAML_ATTRIBUTE_EMAIL_VERIFIED": "email_verified",
        "SAML_EMAIL_TRUSTED": "1",
        "SAML_MFA_AUTHN_CONTEXTS": MFA_CONTEXT,
        **extra,
    }


def documented_saml_settings(env: dict) -> dict:
    script = (
        "import json, config.settings.base as s;"
        "print(json.dumps({'SOCIALACCOUNT_PROVIDERS': s.SOCIALACCOUNT_PROVIDERS,"
        " 'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'],"
        " 'SAML_EMAIL_TRUSTED': s.SAML_EMAIL_TRUSTED,"
        " 'SAML_MFA_AUTHN_CONTEXTS': s.SAML_MFA_AUTHN_CONTEXTS}))"
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
def saml_documented(saml_idp) -> dict:
    return documented_saml_settings(saml_env(saml_idp))


@pytest.fixture
def saml_settings(settings, saml_documented):
    """This process's settings as the documented variables make them."""
    from django.core.cache import cache

    settings.SOCIALACCOUNT_PROVIDERS = json.loads(
        json.dumps(saml_documented["SOCIALACCOUNT_PROVIDERS"])
    )
    # The test client's host ("testserver", the live server's "localhost") has no dot, which
    # python3-saml refuses in URLs unless told.
    app = settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]
    app["settings"]["advanced"]["allow_single_label_domains"] = True
    settings.SAML_EMAIL_TRUSTED = saml_documented["SAML_EMAIL_TRUSTED"]
    settings.SAML_MFA_AUTHN_CONTEXTS = saml_documented["SAML_MFA_AUTHN_CONTEXTS"]
    settings.SSO_ACCOUNT_POLICY = "imported"
    policy = json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))
    policy["DIRECTIVES"]["form-action"] = saml_documented["form_action"]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.MFA_REQUIRED_FOR_ROLES = []
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "saml"}
    }
    cache.clear()
    return settings


# --- driving a sign-in without a browser ----------------------------------------------------


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, page[:500]
    return html.unescape(match.group(1))


def idp_sign_in(browser: requests.Session, sso_url: str, username: str) -> tuple[str, dict]:
    """At the IdP: the password form when it asks, then its auto-posting answer: the ACS URL
    and the form's fields."""
    page = browser.get(sso_url).text
    if 'name="password"' in page:
        page = browser.post(
            f"{urlsplit(sso_url).scheme}://{urlsplit(sso_url).netloc}/login",
            data={
                "username": username,
                "password": IDP_PASSWORD,
                "SAMLRequest": _hidden(page, "SAMLRequest"),
                "RelayState": _hidden(page, "RelayState"),
            },
        ).text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    return action, {
        "SAMLResponse": _hidden(page, "SAMLResponse"),
        "RelayState": _hidden(page, "RelayState"),
    }


def saml_sign_in(client, username: str, browser: requests.Session | None = None):
    """Press the SAML button, sign in at the IdP, post its answer back: Relevo's last answer."""
    browser = browser if browser is not None else requests.Session()
    start = client.post(BUTTON)
    assert start.status_code == 302, start.content[:500]
    acs, fields = idp_sign_in(browser, start["Location"], username)
    parts = urlsplit(acs)
    assert parts.netloc == "testserver", acs
    posted = client.post(parts.path, fields)
    assert posted.status_code == 302, posted.content[:500]
    return client.get(posted["Location"])
