"""How adapters turn ERP ids into hub ids and back.

Canonical records refer to each other by hub id (`invoice.party_id` is a `sup_...`), while the ERP
refers by its own ids. Translation asks an `IdResolver`; the hub answers from its bindings table
(remote id <-> hub id, minted once and kept), `hub extract` from `StableIds`, which derives the
same id from the same remote id on every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from canonical.ids import PREFIXES, ulid_text

_ULID_RANGE = (1 << 127) - 1


class IdResolver(Protocol):
    """Maps (object, remote id) to a hub id and back, for one connection."""

    def hub_id(self, object_name: str, remote_id: str) -> str:
        """The hub id bound to `remote_id` (minted and bound on first sight)."""
        ...

    def remote_id(self, object_name: str, hub_id: str) -> str | None:
        """The ERP id bound to `hub_id`, or None when the record is not in the ERP yet."""
        ...

    def prefetch(self, object_name: str, remote_ids: Iterable[str]) -> None:
        """Resolve many remote ids at once (a page's), so `hub_id` answers them from memory."""
        ...


@lru_cache(maxsize=8192)
def stable_hub_id(connection_id: str, object_name: str, remote_id: str) -> str:
    """The hub id derived from a hash of (connection, object, remote id).

    A pure function, so its recent answers are kept (a bounded cache): the contacts and
    invoices a page refers to again and again are derived once.
    """
    key = f"{connection_id}\x1f{object_name}\x1f{remote_id}".encode()
    digest = int.from_bytes(hashlib.sha256(key).digest()[:16], "big")
    # The top bit cleared keeps the ULID's timestamp within its 48-bit range.
    return f"{PREFIXES[object_name]}_{ulid_text(digest & _ULID_RANGE)}"


class StableIds:
    """Hub ids derived from a hash of (connection, object, remote id): the same on every run.

    It remembers each hub id it derived, so that a write in the same run can find the remote id
    of a record it read; `remember=False` (a read-only run such as `hub extract`) keeps nothing,
    so memory does not grow with the records read.
    """

    def __init__(self, connection_id: str, *, remember: bool = True) -> None:
        self.connection_id = connection_id
        self.remember = remember
        self._reverse: dict[str, str] = {}

    def hub_id(self, object_name: str, remote_id: str) -> str:
        """A deterministic hub id for `remote_id`."""
        hub_id = stable_hub_id(self.connection_id, object_name, remote_id)
        if self.remember:
            self._reverse[hub_id] = remote_id
        return hub_id

    def remote_id(self, object_name: str, hub_id: str) -> str | None:
        """The remote id seen for `hub_id` in this run, if any (None when not remembering)."""
        return self._reverse.get(hub_id)

    def prefetch(self, object_name: str, remote_ids: Iterable[str]) -> None:
        """Nothing to do: a hash needs no look-up."""
