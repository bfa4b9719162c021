"""The bindings table as the connectors' `IdResolver`: remote id <-> hub id, minted once.

A hub id is minted on first sight of a remote id and never changes. Two workers seeing the same
remote id at once both try to insert a binding with `ON CONFLICT DO NOTHING` and then both read
the one that won, so they agree on the hub id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import PREFIXES, new_id
from connectors.errors import ValidationError
from hub.store.models import Binding, utcnow
from hub.store.upsert import chunks, insert_for, insert_ignore

REMOTE_ID_MAX = 200
"""The longest remote id the bindings (and records) table holds."""


def unstorable(remote_id: str) -> str | None:
    """Why the store cannot hold this remote id (None: it can)."""
    if len(remote_id) > REMOTE_ID_MAX:
        return f"it is {len(remote_id)} characters long, more than {REMOTE_ID_MAX}"
    if "\x00" in remote_id:
        return "it contains U+0000"
    return None


K = TypeVar("K", bound=Hashable)


class LruCache(Generic[K]):
    """At most `capacity` answers, the least recently used dropped first; safe across threads."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: OrderedDict[K, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> str | None:
        """The answer for `key`, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: str) -> None:
        """Remember an answer, dropping the least recently used beyond the capacity."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        """Forget `key`."""
        with self._lock:
            self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)


CACHE_SIZE = 10_000
"""Ids a resolver remembers (each way, about 3.5 MiB in all): a page (at most 1,000 items) with
every record it refers to, several times over, so a page is translated from memory after its
`prefetch`, while a worker's memory stays flat however many records a connection has. A
forgotten id is read again from the bindings table."""


class StoreIdResolver:
    """`connectors.ids.IdResolver` backed by the bindings table, for one connection.

    Answers are cached (bindings never change), the most recently used `cache_size` each way.
    Call `prefetch` with a page's remote ids before translating it to resolve the whole page in
    two queries.
    """

    def __init__(
        self, sessions: sessionmaker[Session], connection_id: str, cache_size: int = CACHE_SIZE
    ) -> None:
        self._sessions = sessions
        self.connection_id = connection_id
        self._hub: LruCache[tuple[str, str]] = LruCache(cache_size)
        self._remote: LruCache[str] = LruCache(cache_size)

    def hub_id(self, object_name: str, remote_id: str) -> str:
        """The hub id bound to `remote_id`, minted and bound on first sight."""
        cached = self._hub.get((object_name, remote_id))
        if cached is not None:
            return cached
        reason = unstorable(remote_id)
        if reason is not None:
            # This record's failure (its case), not its page's.
            raise ValidationError(f"the ERP id of this {object_name} cannot be stored: {reason}")
        with self._sessions.begin() as session:
            return self._resolve(session, object_name, [remote_id])[remote_id]

    def remote_id(self, object_name: str, hub_id: str) -> str | None:
        """The ERP id bound to `hub_id`, or None when the record is not in the ERP yet."""
        cached = self._remote.get(hub_id)
        if cached is not None:
            return cached
        with self._sessions() as session:
            remote = session.scalar(
                select(Binding.remote_id).where(
                    Binding.connection_id == self.connection_id,
                    Binding.object == object_name,
                    Binding.hub_id == hub_id,
                )
            )
        if remote is not None:
            self._remember(object_name, remote, hub_id)
        return remote

    def bind(self, object_name: str, remote_id: str, hub_id: str) -> str:
        """Bind a hub id the hub already gave a record (a write) to its new ERP id.

        Returns the hub id now bound to `remote_id`: `hub_id`, or the one bound before.
        """
        with self._sessions.begin() as session:
            insert_ignore(
                session,
                Binding.__table__,
                [self._row(object_name, remote_id, hub_id)],
                ["connection_id", "object", "remote_id"],
            )
        self._hub.pop((object_name, remote_id))
        return self.hub_id(object_name, remote_id)

    def prefetch(self, object_name: str, remote_ids: Iterable[str]) -> None:
        """Resolve (minting where needed) every id in `remote_ids` at once."""
        wanted = list(
            dict.fromkeys(
                r for r in remote_ids if (object_name, r) not in self._hub and not unstorable(r)
            )
        )
        if wanted:
            with self._sessions.begin() as session:
                self._resolve(session, object_name, wanted)

    def _resolve(self, session: Session, object_name: str, wanted: list[str]) -> dict[str, str]:
        """The hub ids of `wanted` (distinct remote ids), minting the missing ones."""
        found = self._load(session, object_name, wanted)
        missing = [r for r in wanted if r not in found]
        if missing:
            prefix = PREFIXES[object_name]
            minted = {r: new_id(prefix) for r in sorted(missing)}
            rows = [self._row(object_name, r, hub_id) for r, hub_id in minted.items()]
            table = Binding.__table__
            stmt = (
                insert_for(session, table)
                .on_conflict_do_nothing(index_elements=["connection_id", "object", "remote_id"])
                .returning(table.c.remote_id)
            )
            inserted: set[str] = set()
            for chunk in chunks(rows, 200):
                inserted.update(session.scalars(stmt, chunk))
            for remote in inserted:  # ours: known without reading them back
                self._remember(object_name, remote, minted[remote])
                found[remote] = minted[remote]
            # Bound meanwhile by another worker: theirs is the one that counts.
            lost = [r for r in minted if r not in inserted]
            if lost:
                found.update(self._load(session, object_name, lost))
        return found

    def _row(self, object_name: str, remote_id: str, hub_id: str) -> dict[str, object]:
        return {
            "connection_id": self.connection_id,
            "object": object_name,
            "remote_id": remote_id,
            "hub_id": hub_id,
            "created_at": utcnow(),
        }

    def _load(self, session: Session, object_name: str, remote_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(remote_ids):
            rows = session.execute(
                select(Binding.remote_id, Binding.hub_id).where(
                    Binding.connection_id == self.connection_id,
                    Binding.object == object_name,
                    Binding.remote_id.in_(chunk),
                )
            )
            for remote, hub in rows:
                self._remember(object_name, remote, hub)
                found[remote] = hub
        return found

    def _remember(self, object_name: str, remote_id: str, hub_id: str) -> None:
        self._hub.put((object_name, remote_id), hub_id)
        self._remote.put(hub_id, remote_id)
