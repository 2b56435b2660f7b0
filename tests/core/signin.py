"""Test sessions as allauth would record them.

`Client.force_login` is made (tests/conftest.py) to leave the records of a complete sign-in
through allauth: the password and, for a person with an authenticator, the second factor. A
test that needs a session that passed only the password uses `password_only_login`.
"""

import time

from django.test.client import ClientMixin

_plain_force_login = ClientMixin.force_login


def _record(client, user, records: list[dict]) -> None:
    # Imported here: this module is loaded by pytest_configure, before Django's apps.
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def password_only_login(client, user) -> None:
    """A session that passed the password and nothing else."""
    _plain_force_login(client, user)
    _record(client, user, [{"method": "password", "at": time.time(), "email": user.email}])


def full_login(client, user, backend=None) -> None:
    _plain_force_login(client, user, backend)
    now = time.time()
    _record(
        client,
        user,
        [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ],
    )


def install() -> None:
    ClientMixin.force_login = full_login
