"""Reading ids and search words from user input (GET/POST values) without a 500 on bad ones."""

import re

# The largest id a 64-bit integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_DB_INTEGER = 2**63 - 1


def parse_id(value) -> int | None:
    """A positive database id from user input (a GET/POST value), or None for anything else:
    empty, not plain ASCII digits, zero, or too large for the database (SQLite and PostgreSQL
    raise on such a number instead of finding nothing)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INTEGER else None


_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(query: str, *, limit: int = 200) -> str:
    """Only the words of a search, in lower case: the backends' own syntax (FTS5 quotes and
    upper-case operators, tsquery symbols) never reaches them, so a quote is not a 500."""
    return " ".join(word.lower() for word in _WORD.findall(query or ""))[:limit]
