"""StoreIdResolver: hub ids minted once, the same for every worker, both ways."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from connectors.ids import IdResolver
from hub.store import Store
from hub.store.bindings import CACHE_SIZE, LruCache, StoreIdResolver
from hub.store.models import Binding

pytestmark = pytest.mark.integration


def test_hub_id_is_minted_once_and_kept(store: Store, connection_id: str) -> None:
    resolver: IdResolver = store.resolver(connection_id)
    first = resolver.hub_id("invoice", "INV-1")
    assert first.startswith("inv_")
    assert store.resolver(connection_id).hub_id("invoice", "INV-1") == first
    assert store.resolver(connection_id).remote_id("invoice", first) == "INV-1"
    assert (
        store.resolver(connection_id).remote_id("invoice", "inv_01K94FSMR0DEQWY9A6YFCBV9CE") is None
    )


def test_same_remote_id_in_other_connection_or_object_gets_its_own_hub_id(
    store: Store, connection_id: str
) -> None:
    tenant = store.connections.create_tenant("Other")
    other = store.connections.create(tenant_id=tenant.id, erp="xero", display_name="Other").id
    a = store.resolver(connection_id).hub_id("supplier", "X")
    b = store.resolver(other).hub_id("supplier", "X")
    c = store.resolver(connection_id).hub_id("customer", "X")
    assert len({a, b, c}) == 3
    assert c.startswith("cus_")


def test_workers_resolving_the_same_ids_at_once_agree(store: Store, connection_id: str) -> None:
    remote_ids = [f"R{i}" for i in range(200)]
    barrier = threading.Barrier(4)
    answers: list[dict[str, str]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            resolver = store.resolver(connection_id)
            barrier.wait()
            resolver.prefetch("supplier", remote_ids)
            answers.append({r: resolver.hub_id("supplier", r) for r in remote_ids})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(a == answers[0] for a in answers)
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Binding)) == 200


def test_bind_keeps_the_hub_id_of_a_written_record(store: Store, connection_id: str) -> None:
    resolver = store.resolver(connection_id)
    hub_id = "inv_01K94FSMR0DEQWY9A6YFCBV9CE"
    assert resolver.bind("invoice", "NEW-1", hub_id) == hub_id
    assert store.resolver(connection_id).hub_id("invoice", "NEW-1") == hub_id
    # a later bind of the same remote id cannot move it
    assert resolver.bind("invoice", "NEW-1", "inv_01KN6N0HT0AFBME15XYB5X0SRN") == hub_id


def test_a_small_cache_forgets_ids_and_still_answers_them(store: Store, connection_id: str) -> None:
    resolver = StoreIdResolver(store.sessions, connection_id, cache_size=10)
    remote_ids = [f"R{i}" for i in range(100)]
    resolver.prefetch("invoice", remote_ids)
    first = {r: resolver.hub_id("invoice", r) for r in remote_ids}
    assert len(resolver._hub) <= 10
    assert len(resolver._remote) <= 10
    again = StoreIdResolver(store.sessions, connection_id, cache_size=10)
    assert {r: again.hub_id("invoice", r) for r in reversed(remote_ids)} == first
    assert all(resolver.remote_id("invoice", hub) == r for r, hub in first.items())
    with store.sessions() as session:
        count = session.scalar(select(func.count()).where(Binding.connection_id == connection_id))
    assert count == 100  # nothing minted twice


def test_the_shipped_cache_is_bounded(store: Store, connection_id: str) -> None:
    resolver = store.resolver(connection_id)
    assert resolver._hub.capacity == resolver._remote.capacity == CACHE_SIZE
    resolver.prefetch("supplier", [f"S{i}" for i in range(300)])
    assert len(resolver._hub) == 300


def test_lru_cache_drops_the_least_recently_used() -> None:
    cache: LruCache[str] = LruCache(2)
    cache.put("a", "1")
    cache.put("b", "2")
    assert cache.get("a") == "1"  # a is now the most recent
    cache.put("c", "3")
    assert "b" not in cache
    assert cache.get("a") == "1"
    assert cache.get("c") == "3"
    with pytest.raises(ValueError, match="at least 1"):
        LruCache(0)
