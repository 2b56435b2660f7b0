"""Driving a sign-in through the test provider without a browser: Django's test client for
Relevo, a `requests` session (the person's browser at the provider) for the provider."""

from urllib.parse import urlsplit

import requests

from tests.sso.conftest import IDP_PASSWORD, PROVIDER_ID

BUTTON = f"/cuenta/oidc/{PROVIDER_ID}/login/?process=login"


def provider_sign_in(browser: requests.Session, authorize_url: str, username: str) -> str:
    """Follow the authorization request at the provider, typing the password when it asks;
    returns the URL it sends the person back to (Relevo's callback)."""
    response = browser.get(authorize_url, allow_redirects=False)
    if response.status_code == 302 and "/accounts/login/" in response.headers["Location"]:
        login_url = response.headers["Location"]
        if login_url.startswith("/"):
            login_url = (
                f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}{login_url}"
            )
        browser.get(login_url)
        next_path = urlsplit(login_url).query.split("next=", 1)[1]
        response = browser.post(
            login_url,
            data={
                "username": username,
                "password": IDP_PASSWORD,
                "next": requests.utils.unquote(next_path),
                "csrfmiddlewaretoken": browser.cookies.get("idp_csrftoken"),
            },
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        response = browser.get(
            requests.compat.urljoin(login_url, response.headers["Location"]),
            allow_redirects=False,
        )
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def sso_sign_in(client, username: str, browser: requests.Session | None = None):
    """Press the institutional button, sign in at the provider, come back: Relevo's answer to
    the callback."""
    browser = browser if browser is not None else requests.Session()
    start = client.post(BUTTON)
    assert start.status_code == 302, start.content[:500]
    callback = provider_sign_in(browser, start["Location"], username)
    parts = urlsplit(callback)
    assert parts.netloc == "testserver", callback
    return client.get(f"{parts.path}?{parts.query}")
