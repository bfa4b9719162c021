"""Hub ids: a type prefix and a ULID, so ids sort by creation time and say what they name."""

from __future__ import annotations

import os
import re
import threading
import time
from typing import Final

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


_RANDOM_MAX = (1 << 80) - 1
_minted = threading.Lock()
_last = [0, 0]
"""The last ULID minted by this process: [milliseconds, random part]."""


def _forget_last() -> None:
    _last[:] = [0, 0]  # a forked child starts afresh, not from its parent's last id


os.register_at_fork(after_in_child=_forget_last)


def new_ulid() -> int:
    """A new ULID value: the time in milliseconds (48 bits) and 80 random bits.

    Monotonic within a process, as python-ulid's `ULID()`: an id minted in the same millisecond
    as the last one (or after the clock stepped back) is the last one plus one. A few times
    faster than building a `ULID` object (each stored record and event mints one).
    """
    now = time.time_ns() // 1_000_000
    with _minted:
        last_ms, last_random = _last
        if now <= last_ms:
            if last_random < _RANDOM_MAX:
                now, random = last_ms, last_random + 1
            else:
                now, random = last_ms + 1, int.from_bytes(os.urandom(10), "big")
        else:
            random = int.from_bytes(os.urandom(10), "big")
        _last[:] = [now, random]
    return (now << 80) | random


def new_id(prefix: str) -> str:
    """A new time-sortable hub id such as `inv_01J9Z3...` (prefix without the underscore)."""
    return f"{prefix}_{ulid_text(new_ulid())}"


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
