"""Alembic environment: our models' metadata, the URL from the Alembic config or our Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from hub.settings import get_settings
from hub.store.db import make_engine
from hub.store.models import Base
from hub.store.tokens import advisory_key

config = context.config
target_metadata = Base.metadata
MIGRATION_LOCK = advisory_key("ledgerhub:migrations")


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_offline() -> None:
    """Emit SQL without connecting (`alembic upgrade --sql`)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate over a connection; SQLite gets batch mode for its limited ALTER TABLE."""
    engine = make_engine(_url(), poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            # Workers may all upgrade at start: serialise them so only the first one migrates.
            # (SQLite already is: every transaction there begins IMMEDIATE.)
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
