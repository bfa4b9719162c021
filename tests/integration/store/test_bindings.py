"""StoreIdResolver: hub ids minted once, the same for every worker, both ways."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from connectors.ids import IdResolver
from hub.store import Store
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
