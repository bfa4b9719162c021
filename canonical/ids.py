"""Hub ids: a type prefix and a ULID, so ids sort by creation time and say what they name."""

from __future__ import annotations

import re
from typing import Final

from ulid import ULID

PREFIXES: Final[dict[str, str]] = {
    "supplier": "sup",
    "customer": "cus",
    "invoice": "inv",
    "payment": "pay",
    "journal_entry": "jnl",
    "account": "acc",
    "tax_rate": "tax",
    "dimension": "dim",
    "event": "evt",
}


_ULID_TEXT = re.compile(r"[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}")
"""What `ULID.from_str` accepts (Crockford base32, either case, within 128 bits), checked
without decoding: every record's id and references pass here."""


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)
"""Every 10-bit value as its two Crockford characters: a ULID's 26 characters in 13 look-ups."""
_SHIFTS = tuple(range(120, -1, -10))


def ulid_text(value: int) -> str:
    """The 26-character text of a 128-bit ULID value, as `str(ULID.from_int(value))` writes it."""
    if not 0 <= value < 1 << 128:
        raise ValueError("a ULID holds 128 bits")
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])


def new_id(prefix: str) -> str:
    """A new time-sortable hub id such as `inv_01J9Z3...` (prefix without the underscore)."""
    return f"{prefix}_{ULID()}"


def id_for(object_name: str) -> str:
    """A new hub id for a canonical object name (`invoice` -> `inv_...`)."""
    return new_id(PREFIXES[object_name])


def check_id(value: str, prefix: str) -> str:
    """Return `value` when it is a well-formed id with `prefix`, else raise ValueError."""
    head, sep, tail = value.partition("_")
    if not sep or head != prefix:
        raise ValueError(f"id must start with '{prefix}_' (got '{value}')")
    if _ULID_TEXT.fullmatch(tail) is None:
        raise ValueError(f"'{tail}' after '{prefix}_' is not a ULID")
    return value
