"""Public certificate codes: short, unambiguous, unguessable.

Ten characters drawn with `secrets` from an alphabet without 0/O, 1/I/L (31 symbols, about
49.5 bits), shown in groups as ``XXXX-XXXX-XX``. People read them from paper and type them, so
the input is normalised (case, spaces and dashes ignored) before any lookup.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def generate_code() -> str:
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def normalise_code(value: str | None) -> str | None:
    """The canonical ``XXXX-XXXX-XX`` form of what someone typed, or None when it cannot be a
    code (so that garbled input never reaches the database)."""
    if not value or len(value) > 40:
        return None
    raw = re.sub(r"[\s\-]", "", value).upper()
    if not _CODE_RE.match(raw):
        return None
    return format_code(raw)
