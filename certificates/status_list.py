"""Revocation in the credential: a W3C Bitstring Status List (v1.0).

Every credential carries a ``credentialStatus`` entry naming one bit of a list published at a
stable URL (``/verificar/estado/<n>/``) as its own signed credential. The bit of a certificate
is set when it is revoked or superseded (its credential is no longer in force); the list is
re-signed in the same transaction as the revocation (credentials.status_list_publish).

Indexes are drawn at random inside a list (the specification asks for it: neighbouring
indexes would tell who was certified together) and never reused. A list holds
``LIST_SIZE_BITS`` entries (the specification's minimum, 16 KiB); a new list starts when half
of the current one is used, so a random draw finds a free index in a few tries.
"""

import secrets

from django.conf import settings
from django.db.models import Max
from openbadgeslib.ob3.status_list import build_status_list_credential, status_entry

from .models import Certificate

LIST_SIZE_BITS = 131072
PURPOSE = "revocation"
#: A list is re-signed at least this often, and says so in its validUntil, so an old copy
#: (with fewer revocations) cannot be replayed for long.
LIST_VALIDITY_DAYS = 7
#: Statuses whose credential is no longer in force: their bit is set.
NOT_IN_FORCE = (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED)


def list_url(number: int) -> str:
    return f"{settings.SITE_URL}/verificar/estado/{number}/"


def split_index(index: int) -> tuple[int, int]:
    """A global index as (list number, position in that list)."""
    return divmod(index, LIST_SIZE_BITS)


def _draw_index() -> int:
    used = Certificate.objects.filter(status_list_index__isnull=False)
    count = used.count()
    number = count // (LIST_SIZE_BITS // 2)
    highest = used.aggregate(m=Max("status_list_index"))["m"]
    if highest is not None:
        # Never go back to an earlier list once a later one is in use.
        number = max(number, split_index(highest)[0])
    for _attempt in range(64):
        index = number * LIST_SIZE_BITS + secrets.randbelow(LIST_SIZE_BITS)
        if not used.filter(status_list_index=index).exists():
            return index
    raise RuntimeError("no free status list index")  # half the list is free: never


def assign_index(certificate: Certificate) -> int:
    """The certificate's index, drawn on first use (at issue; for a certificate issued before
    status lists, at its next rendering) and stored at once when the row exists."""
    if certificate.status_list_index is None:
        certificate.status_list_index = _draw_index()
        if certificate.pk:
            Certificate.objects.filter(pk=certificate.pk, status_list_index__isnull=True).update(
                status_list_index=certificate.status_list_index
            )
    return certificate.status_list_index


def status_entry_for(certificate: Certificate) -> dict:
    number, position = split_index(assign_index(certificate))
    return status_entry(list_url(number), PURPOSE, position)


def set_positions(number: int) -> list[int]:
    """Positions of the list whose bit is set: the certificates not in force."""
    low = number * LIST_SIZE_BITS
    indexes = Certificate.objects.filter(
        status__in=NOT_IN_FORCE,
        status_list_index__gte=low,
        status_list_index__lt=low + LIST_SIZE_BITS,
    ).values_list("status_list_index", flat=True)
    return sorted(index - low for index in indexes)


def build_list(*, number: int, issuer: str, issued, valid_until) -> dict:
    return build_status_list_credential(
        issuer,
        list_url(number),
        PURPOSE,
        set_positions(number),
        size_bits=LIST_SIZE_BITS,
        issued=issued,
        valid_until=valid_until,
    )
