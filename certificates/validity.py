"""How long a certificate is valid.

By default the course's own `validity_months` (empty: never expires). A higher app may
override it per enrolment: people registers a provider returning the months its HR
requirement sets (or None to leave the decision to others). The last registered provider that
answers wins.
"""

from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta

ValidityProvider = Callable[[object], int | None]

_providers: list[ValidityProvider] = []


def register_validity_provider(func: ValidityProvider) -> None:
    if func not in _providers:
        _providers.append(func)


def validity_months_for(enrolment) -> int | None:
    for provider in reversed(_providers):
        months = provider(enrolment)
        if months:
            return int(months)
    return enrolment.course.validity_months or None


def expiry_for(enrolment, completed_on: date) -> date | None:
    months = validity_months_for(enrolment)
    if not months:
        return None
    return completed_on + relativedelta(months=months)
