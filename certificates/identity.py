"""Who the learner is on a certificate: the identification printed beside the name.

The employee id lives in `people`, above certificates, so people registers a provider here in
its AppConfig.ready(): ``register_identifier_provider(lambda user: profile.employee_id)``.
Without one (or when it returns nothing) the learner's e-mail is used.
"""

from collections.abc import Callable

IdentifierProvider = Callable[[object], str | None]

_providers: list[IdentifierProvider] = []


def register_identifier_provider(func: IdentifierProvider) -> None:
    if func not in _providers:
        _providers.append(func)


def learner_identifier(user) -> str:
    for provider in reversed(_providers):
        value = provider(user)
        if value:
            return str(value)
    return user.email


def learner_display_name(user) -> str:
    return user.get_full_name() or user.email
