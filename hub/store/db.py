"""Engines, sessions and migrations for PostgreSQL and SQLite.

SQLite runs in WAL mode and every transaction starts with `BEGIN IMMEDIATE`: writers queue on
the busy timeout instead of failing when two workers upgrade a read lock at once, which is what
makes the store safe for several worker processes on one machine. PostgreSQL uses READ
COMMITTED with pre-pinged pooled connections.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hub.store import nul

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 60
SQLITE_STATEMENT_CACHE = 4
"""Prepared statements pysqlite keeps per connection (its default is 128). A page's rows are
inserted by multi-row statements whose row count varies with the page, each prepared
statement holding megabytes of SQLite's heap: with 128 kept, a worker's SQLite heap grew to
22 MiB over a 20,000-record backfill; with 4, it stays under 1 MiB (`benchmarks/README.md`,
worker memory). Preparing a small statement again costs microseconds."""
EXACT_JSON: dict[str, Any] = {"json_serializer": nul.dumps, "json_deserializer": nul.loads}
"""Raw ERP payloads carry Decimal amounts and may carry U+0000: stored and read back exactly
(never via float; U+0000 sealed, which JSONB cannot hold)."""


def make_engine(url: str, **kw: Any) -> Engine:
    """An engine for `url`, tuned for concurrent workers on either database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        private_sqlite_file(url)
        engine = create_engine(
            url,
            connect_args={
                "timeout": SQLITE_BUSY_TIMEOUT_S,
                "check_same_thread": False,
                "cached_statements": SQLITE_STATEMENT_CACHE,
            },
            **{**EXACT_JSON, **kw},
        )
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **{**EXACT_JSON, **kw})


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600; it holds sealed secrets).

    SQLite gives its -wal and -shm files the database file's mode. An existing file that is
    readable by others is narrowed to 0600 as well.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            with contextlib.suppress(PermissionError):
                path.chmod(0o600)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic configuration for our migrations against `url` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # '%' must be doubled for configparser interpolation (passwords may contain it).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_MIGRATING = threading.Lock()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating every table on an empty one).

    Safe when several processes upgrade at once (see migrations/env.py); within one process
    calls are serialised because Alembic's `context` and `op` are process globals.
    """
    private_sqlite_file(url)
    with _MIGRATING:
        command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
