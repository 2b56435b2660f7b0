"""Prepare the test provider's database: people, signing key, Relevo's client.

Run as `python -m tests.sso.idp.seed REDIRECT_URI... --logout POST_LOGOUT_URI...`."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sso.idp.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

from tests.sso.idp.constants import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE  # noqa: E402


def main(argv: list[str]) -> None:
    split = argv.index("--logout")
    redirect_uris, logout_uris = argv[:split], argv[split + 1 :]
    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for username, email, first, last in PEOPLE:
        User.objects.create_user(
            username=username, email=email, password=PASSWORD, first_name=first, last_name=last
        )
    client = Client.objects.create(
        name="Relevo",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
        _redirect_uris="\n".join(redirect_uris),
        _post_logout_redirect_uris="\n".join(logout_uris),
        _scope="openid profile email",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(sys.argv[1:])
