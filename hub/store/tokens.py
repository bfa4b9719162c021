"""The connectors' `TokenStore`, in the database, sealed, with a refresh lock across processes.

Token sets are sealed with `hub.crypto.SecretBox`, bound to their connection id, so the table
holds no readable token. `refresh_lock(connection_id)` is exclusive across threads and
processes; which mechanism depends on what is configured:

* a Redis client given (`redis=`): a Redis lock (`SET NX` with expiry), which also spans machines
  whatever the database;
* PostgreSQL: a session-level advisory lock (`pg_advisory_lock`) on a dedicated connection;
* SQLite: an `fcntl` file lock in `lock_dir` (default: `locks/` beside the database file), which
  spans the processes of one machine (as SQLite itself does).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from connectors.tokens import TokenSet
from hub.crypto import SecretBox
from hub.locks import file_lock
from hub.logging import register_secret
from hub.store.models import Token, utcnow
from hub.store.upsert import insert_for

LOCK_TTL_S = 120
"""A Redis refresh lock expires after this, so a killed holder cannot block refreshes forever."""


def _context(connection_id: str) -> str:
    return f"token:{connection_id}"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `pg_advisory_lock` from a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class DbTokenStore:
    """`connectors.tokens.TokenStore` on the hub's database (see the module docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        box: SecretBox,
        *,
        lock_dir: Path | None = None,
        redis: Any | None = None,
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._redis = redis
        bind = sessions.kw.get("bind")
        if not isinstance(bind, Engine):
            raise TypeError("the session factory must be bound to an engine")
        self._engine = bind
        if lock_dir is None and bind.dialect.name == "sqlite":
            # Beside the database file: every process using that file finds the same locks.
            database = bind.url.database
            base = Path(database).parent if database and database != ":memory:" else None
            lock_dir = (base or Path(tempfile.gettempdir())) / "locks"
        self._lock_dir = lock_dir
        self._guard = threading.Lock()
        self._local: dict[str, threading.Lock] = {}

    @property
    def lock_kind(self) -> str:
        """`redis`, `postgresql-advisory` or `file`: which mechanism refresh_lock uses."""
        if self._redis is not None:
            return "redis"
        if self._engine.dialect.name == "postgresql":
            return "postgresql-advisory"
        return "file"

    def load(self, connection_id: str) -> TokenSet | None:
        """The current token set, or None when the connection has none."""
        with self._sessions() as session:
            row = session.get(Token, connection_id)
            if row is None:
                return None
            sealed = row.sealed
        values = self._box.open_json(sealed, context=_context(connection_id))
        register_secret(values.get("access_token"))
        register_secret(values.get("refresh_token"))
        return TokenSet.model_validate(values)

    def save(self, connection_id: str, tokens: TokenSet) -> None:
        """Seal and store the token set, committed before this returns."""
        values = tokens.to_storage()
        register_secret(values.get("access_token"))
        register_secret(values.get("refresh_token"))
        sealed = self._box.seal_json(values, context=_context(connection_id))
        now = utcnow()
        with self._sessions.begin() as session:
            stmt = insert_for(session, Token.__table__).values(
                connection_id=connection_id,
                sealed=sealed,
                expires_at=tokens.expires_at,
                updated_at=now,
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["connection_id"],
                    set_={"sealed": sealed, "expires_at": tokens.expires_at, "updated_at": now},
                )
            )

    def delete(self, connection_id: str) -> None:
        """Forget the connection's tokens (revoked or removed)."""
        with self._sessions.begin() as session:
            row = session.get(Token, connection_id)
            if row is not None:
                session.delete(row)

    def reseal_all(self) -> int:
        """Seal every token set again with the current key; the number changed (key rotation)."""
        changed = 0
        with self._sessions.begin() as session:
            for row in session.scalars(select(Token).with_for_update()):
                fresh = self._box.reseal(row.sealed, context=_context(row.connection_id))
                if fresh != row.sealed:
                    row.sealed = fresh
                    changed += 1
        return changed

    @contextmanager
    def refresh_lock(self, connection_id: str) -> Iterator[None]:
        """Held while refreshing: exclusive across threads and processes."""
        # Threads of this process queue on a local lock first, so at most one of them holds a
        # database connection while waiting (many waiters could otherwise drain the pool the
        # holder needs to save the new tokens).
        with self._guard:
            local = self._local.setdefault(connection_id, threading.Lock())
        with local, self._cross_process_lock(connection_id):
            yield

    @contextmanager
    def _cross_process_lock(self, connection_id: str) -> Iterator[None]:
        name = f"ledgerhub:refresh:{connection_id}"
        if self._redis is not None:
            with self._redis.lock(name, timeout=LOCK_TTL_S, blocking_timeout=LOCK_TTL_S):
                yield
        elif self._engine.dialect.name == "postgresql":
            with _advisory_lock(self._engine, advisory_key(name)):
                yield
        else:
            assert self._lock_dir is not None
            with file_lock(self._lock_dir / f"refresh-{advisory_key(name) & 0xFFFFFFFF:08x}.lock"):
                yield


@contextmanager
def _advisory_lock(engine: Engine, key: int) -> Iterator[None]:
    # A dedicated autocommit connection: the lock is the session's, not a transaction's, so the
    # connection is never left idle inside a transaction while the refresh calls the ERP.
    with engine.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
