"""A migrated store on SQLite (a temporary file) and on the real PostgreSQL on loopback.

PostgreSQL: a fresh database `lh_store_<random>` is created in the server holding `test` for the
test session and dropped at its end. Every test starts from empty tables. Override the server
with LEDGERHUB_TEST_POSTGRES_URL (a URL of an existing database to connect through).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from hub.crypto import SecretBox
from hub.store import Store, make_engine, upgrade
from hub.store.models import Base
from tests import services

pytestmark = pytest.mark.integration

ADMIN_URL = services.postgres_url()
KEY = bytes(range(32))


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    name = f"lh_store_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this test session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'ledgerhub.db'}"
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database of each kind."""
    return str(request.getfixturevalue(f"{request.param}_url"))


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    """A store over empty tables, with a fixed key and a lock directory of its own."""
    engine = make_engine(database_url)
    _empty(engine)
    store = Store(engine, SecretBox([KEY]), lock_dir=tmp_path / "locks")
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture
def connection_id(store: Store) -> str:
    """A connection of a fresh tenant."""
    tenant = store.connections.create_tenant("Acme")
    return store.connections.create(tenant_id=tenant.id, erp="xero", display_name="Acme Xero").id
