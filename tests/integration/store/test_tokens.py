"""DbTokenStore: tokens sealed at rest, one refresher at a time across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from connectors.tokens import TokenSet, TokenStore
from hub.broker import redis_client
from hub.crypto import SecretBox
from hub.store import ClientCredentials, DbTokenStore, Store, make_engine, session_factory
from tests import services

from .conftest import KEY

pytestmark = pytest.mark.integration

ACCESS = "eyJhbGciOiJSUzI1NiJ9.access-token-value-123456"
REFRESH = "refresh-token-value-abcdef-987654"


def tokens(access: str = ACCESS, expires_at: datetime | None = None) -> TokenSet:
    return TokenSet(
        access_token=SecretStr(access),
        refresh_token=SecretStr(REFRESH),
        expires_at=expires_at or datetime(2026, 1, 1, 12, tzinfo=UTC),
        scope="accounting.transactions offline_access",
    )


def test_tokens_round_trip_and_are_unreadable_in_the_database(
    store: Store, connection_id: str
) -> None:
    token_store: TokenStore = store.tokens
    assert token_store.load(connection_id) is None
    token_store.save(connection_id, tokens())
    loaded = token_store.load(connection_id)
    assert loaded is not None
    assert loaded.access_token.get_secret_value() == ACCESS
    assert loaded.refresh_token is not None
    assert loaded.refresh_token.get_secret_value() == REFRESH
    assert loaded.expires_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    token_store.save(connection_id, tokens("second-access-token-value"))
    assert store.tokens.load(connection_id).access_token.get_secret_value().startswith("second")  # type: ignore[union-attr]
    with store.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM tokens")) for v in row)
    assert "access-token" not in dump
    assert REFRESH not in dump
    assert "refresh-token" not in dump
    assert dump.count("v1.") == 1


def test_client_secret_is_sealed_and_never_in_the_connection_view(store: Store) -> None:
    tenant = store.connections.create_tenant("Acme")
    secret = "client-secret-xyz-0123456789"
    con = store.connections.create(
        tenant_id=tenant.id,
        erp="xero",
        display_name="Acme",
        credentials=ClientCredentials(client_id="cid-1", client_secret=SecretStr(secret)),
        scopes=["accounting.transactions"],
    )
    assert con.has_credentials
    assert secret not in repr(con)
    assert secret not in con.model_dump_json()
    creds = store.connections.credentials(con.id)
    assert creds is not None
    assert creds.client_secret.get_secret_value() == secret
    assert secret not in repr(creds)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT credentials FROM connections")).scalar()
    assert secret not in str(stored)
    assert "cid-1" not in str(stored)


def test_a_sealed_token_does_not_open_under_another_connection(
    store: Store, connection_id: str
) -> None:
    tenant = store.connections.create_tenant("Other")
    other = store.connections.create(tenant_id=tenant.id, erp="xero", display_name="O").id
    store.tokens.save(connection_id, tokens())
    with store.engine.begin() as conn:
        sealed = conn.execute(text("SELECT sealed FROM tokens")).scalar()
        conn.execute(
            text("INSERT INTO tokens (connection_id, sealed, expires_at, updated_at) "
                 "VALUES (:c, :s, :t, :t)"),
            {"c": other, "s": sealed, "t": datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)},
        )  # fmt: skip
    from hub.crypto import SecretKeyError

    with pytest.raises(SecretKeyError):
        store.tokens.load(other)


def _overlaps(token_store: TokenStore, connection_id: str, threads: int = 6) -> int:
    inside = 0
    most = 0
    guard = threading.Lock()

    def refresh() -> None:
        nonlocal inside, most
        with token_store.refresh_lock(connection_id):
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.02)
            with guard:
                inside -= 1

    workers = [threading.Thread(target=refresh) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return most


def test_refresh_lock_admits_one_thread_at_a_time(store: Store, connection_id: str) -> None:
    assert store.tokens.lock_kind == (
        "postgresql-advisory" if store.engine.dialect.name == "postgresql" else "file"
    )
    assert _overlaps(store.tokens, connection_id) == 1


def test_refresh_lock_on_redis_admits_one_thread_at_a_time(
    store: Store, connection_id: str
) -> None:
    client = redis_client(services.redis_url(0))
    token_store = DbTokenStore(store.sessions, store.box, redis=client)
    assert token_store.lock_kind == "redis"
    assert _overlaps(token_store, f"{connection_id}-{time.time_ns()}") == 1


def _hold_lock(url: str, lock_dir: str, connection_id: str, held: object, release: object) -> None:
    store = DbTokenStore(
        session_factory(make_engine(url)), SecretBox([KEY]), lock_dir=Path(lock_dir)
    )
    with store.refresh_lock(connection_id):
        held.set()  # type: ignore[attr-defined]
        release.wait(10)  # type: ignore[attr-defined]


def test_refresh_lock_excludes_another_process(
    store: Store, connection_id: str, database_url: str, tmp_path: Path
) -> None:
    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    child = ctx.Process(
        target=_hold_lock,
        args=(database_url, str(tmp_path / "locks"), connection_id, held, release),
    )
    child.start()
    try:
        assert held.wait(30)
        acquired = threading.Event()

        def take() -> None:
            with store.tokens.refresh_lock(connection_id):
                acquired.set()

        taker = threading.Thread(target=take)
        taker.start()
        assert not acquired.wait(0.5), "the lock was granted while another process held it"
        release.set()
        assert acquired.wait(10)
        taker.join()
    finally:
        release.set()
        child.join(10)
    assert child.exitcode == 0


def test_tokens_expiring_soon_are_reported(store: Store, connection_id: str) -> None:
    soon = TokenSet(
        access_token=SecretStr("a" * 20), expires_at=datetime.now(UTC) + timedelta(seconds=30)
    )
    store.tokens.save(connection_id, soon)
    loaded = store.tokens.load(connection_id)
    assert loaded is not None
    assert loaded.expires_within(60)
    assert loaded.refresh_token is None


def test_many_jobs_expiring_together_refresh_once_even_with_a_small_pool(
    database_url: str, connection_id: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url, pool_size=2, max_overflow=0, pool_timeout=5)
    token_store = DbTokenStore(session_factory(engine), SecretBox([KEY]), lock_dir=tmp_path)
    expired = TokenSet(
        access_token=SecretStr("expired-access-token"),
        refresh_token=SecretStr(REFRESH),
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    token_store.save(connection_id, expired)
    calls: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def job() -> None:
        try:
            barrier.wait()
            with token_store.refresh_lock(connection_id):
                current = token_store.load(connection_id)
                assert current is not None
                if current.expires_within(60):
                    calls.append(1)  # the one call to the ERP's token endpoint
                    token_store.save(
                        connection_id,
                        tokens("fresh-access-token", datetime.now(UTC) + timedelta(hours=1)),
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
    assert calls == [1]
