"""The hooks certificates offers to the apps above it (people registers both in its
AppConfig.ready(); certificates imports nothing from people).

- `register_validity_provider(func)`: func(enrolment) -> months or None. How long a
  certificate is valid: by default the course's own `validity_months` (empty: never expires);
  people returns the months its HR requirement sets (or None to leave the decision to others).
  The last registered provider that answers wins.
- `register_identifier_provider(func)`: func(user) -> str or None. The identification printed
  beside the learner's name (people: the employee id). Without one (or when it returns
  nothing) the learner's e-mail is used.

Both are optional (certificates work without people), so no system check requires them.

- `register_download_step(func)`: func(user=, certificate=, next_url=) -> a local URL or None.
  A step the holder `user` is offered before their own PDF downloads (quality: the course's
  completion survey, answered or skipped, "Responder encuesta" / "Omitir"). The step must send
  the learner back to `next_url` (the download), and must never be a dead end. The public
  verification page and Open Badges endpoints never pass through a step; the issuance e-mail
  does not attach the PDF while a step is pending (it links to the download instead, so the
  e-mail does not bypass the step). Optional.

- `register_learner_scope(func)`: func(user) -> a queryset (or list) of learner user ids this
  certificate manager may manage, or None for "all". Mandatory (`certificates.E001`): without
  it an HR officer limited to some units would manage every learner's certificates. Every
  registered scope must allow a learner (they are intersected).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ValidityProvider = Callable[[object], int | None]
IdentifierProvider = Callable[["AbstractBaseUser"], str | None]
LearnerScope = Callable[["AbstractBaseUser"], Iterable[int] | None]

_validity_providers: list[ValidityProvider] = []
_identifier_providers: list[IdentifierProvider] = []
_learner_scopes: list[LearnerScope] = []
DownloadStep = Callable[..., str | None]
_download_steps: list[DownloadStep] = []


def register_download_step(func: DownloadStep) -> None:
    """Let a higher app put a step (a survey) before a learner's own PDF download."""
    if func not in _download_steps:
        _download_steps.append(func)


def download_step_for(request, certificate) -> str | None:
    """The URL of the first step this learner still has before downloading, else None."""
    for step in _download_steps:
        url = step(user=request.user, certificate=certificate, next_url=request.get_full_path())
        if url:
            return url
    return None


def download_step_pending(certificate) -> bool:
    """Whether the holder still has a step before their PDF (no request: the e-mail asks)."""
    return any(
        step(user=certificate.learner, certificate=certificate, next_url="")
        for step in _download_steps
    )


def register_validity_provider(func: ValidityProvider) -> None:
    """Let a higher app set a certificate's validity (months) per enrolment."""
    if func not in _validity_providers:
        _validity_providers.append(func)


def register_identifier_provider(func: IdentifierProvider) -> None:
    """Let a higher app set the identification printed beside the learner's name."""
    if func not in _identifier_providers:
        _identifier_providers.append(func)


def register_learner_scope(func: LearnerScope) -> None:
    """Let a higher app limit the learners whose certificates a manager may manage."""
    if func not in _learner_scopes:
        _learner_scopes.append(func)


def learner_scopes() -> tuple[LearnerScope, ...]:
    return tuple(_learner_scopes)


def learner_scope_q(user, *, field: str = "learner_id") -> Q:
    """A filter on `field` (a learner's user id) to the learners `user` may manage: every
    registered scope applies; with none registered, nobody but a superuser (fail closed,
    and certificates.E001 fails the start-up)."""
    if not _learner_scopes:
        return Q() if getattr(user, "is_superuser", False) else Q(pk__in=[])
    condition = Q()
    for scope in _learner_scopes:
        learner_ids = scope(user)
        if learner_ids is not None:
            condition &= Q(**{f"{field}__in": learner_ids})
    return condition


def learner_scope_is_whole(user) -> bool:
    """Whether `user` may manage every learner (no registered scope limits them)."""
    if not _learner_scopes:
        return bool(getattr(user, "is_superuser", False))
    return all(scope(user) is None for scope in _learner_scopes)


def validity_months_for(enrolment) -> int | None:
    for provider in reversed(_validity_providers):
        months = provider(enrolment)
        if months:
            return int(months)
    return enrolment.course.validity_months or None


def expiry_for(enrolment, completed_on: date) -> date | None:
    months = validity_months_for(enrolment)
    if not months:
        return None
    return completed_on + relativedelta(months=months)


def learner_identifier(user) -> str:
    for provider in reversed(_identifier_providers):
        value = provider(user)
        if value:
            return str(value)
    return user.email


def learner_display_name(user) -> str:
    return user.get_full_name() or user.email
