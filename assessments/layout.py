"""An attempt's frozen layout: which question versions it shows, in which order, and the
opaque values its options carry.

Each entry is {"slot", "version", "points"} plus, for choice and matching questions,
`order` (the options' internal keys in display order: choice ids, or indexes into
`grading.matching_rights`) and `tokens` (one random value per option, parallel to `order`).
The attempt page and the autosave only ever see the tokens: they are drawn per attempt with
`secrets`, so neither a value nor its position says anything about which option is right.
The form maps tokens back to keys on the server (`keys_by_token`); grading, stored responses
and item statistics work with the internal keys only.
"""

from __future__ import annotations

import random
import secrets

from . import grading

TOKEN_BYTES = 6  # 8 URL-safe characters


def new_tokens(count: int) -> list[str]:
    tokens: list[str] = []
    while len(tokens) < count:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token not in tokens:
            tokens.append(token)
    return tokens


def option_keys(version) -> list[str] | None:
    """The internal keys of a version's options in writing order (None: no options)."""
    if version.qtype in grading.CHOICE_TYPES:
        return [c["id"] for c in version.data["choices"]]
    if version.qtype == grading.MATCHING:
        return [str(i) for i in range(len(grading.matching_rights(version.data)))]
    return None


def layout_entry(index: int, version, *, shuffle: bool, rng: random.Random) -> dict:
    entry = {"slot": index, "version": version.pk, "points": str(version.points)}
    order = option_keys(version)
    if order is not None:
        # Matching options are always shuffled: in writing order, pair i's answer is option i.
        if shuffle or version.qtype == grading.MATCHING:
            rng.shuffle(order)
        entry["order"] = order
        entry["tokens"] = new_tokens(len(order))
    return entry


def tokens_by_key(entry: dict) -> dict[str, str]:
    order = entry.get("order") or []
    return dict(zip(order, entry.get("tokens") or order, strict=False))


def keys_by_token(entry: dict) -> dict[str, str]:
    return {token: key for key, token in tokens_by_key(entry).items()}
