"""Write requests: one per idempotency key, never sent twice once done."""

from __future__ import annotations

import pytest

from connectors.errors import Conflict
from hub.store import NotFound, Store

pytestmark = pytest.mark.integration

BILL = {"number": "B-1", "total": "100.00", "currency": "EUR"}


def test_same_key_and_payload_returns_the_existing_request(
    store: Store, connection_id: str
) -> None:
    first, created = store.writes.create_or_get(
        connection_id=connection_id, object_name="invoice", idempotency_key="k1", payload=BILL
    )
    again, created_again = store.writes.create_or_get(
        connection_id=connection_id,
        object_name="invoice",
        idempotency_key="k1",
        payload=dict(reversed(list(BILL.items()))),
    )
    assert created
    assert not created_again
    assert again.id == first.id
    assert len(store.writes.list(connection_id)) == 1


def test_same_key_with_another_payload_is_a_conflict(store: Store, connection_id: str) -> None:
    store.writes.create_or_get(
        connection_id=connection_id, object_name="invoice", idempotency_key="k1", payload=BILL
    )
    with pytest.raises(Conflict) as info:
        store.writes.create_or_get(
            connection_id=connection_id,
            object_name="invoice",
            idempotency_key="k1",
            payload={**BILL, "total": "200.00"},
        )
    assert info.value.category == "conflict"


def test_the_same_key_on_another_connection_is_another_request(
    store: Store, connection_id: str
) -> None:
    tenant = store.connections.create_tenant("Other")
    other = store.connections.create(tenant_id=tenant.id, erp="xero", display_name="O").id
    a, _ = store.writes.create_or_get(
        connection_id=connection_id, object_name="invoice", idempotency_key="k", payload=BILL
    )
    b, created = store.writes.create_or_get(
        connection_id=other, object_name="invoice", idempotency_key="k", payload=BILL
    )
    assert created
    assert a.id != b.id


def test_status_moves_through_attempts_and_success_is_final(
    store: Store, connection_id: str
) -> None:
    req, _ = store.writes.create_or_get(
        connection_id=connection_id,
        object_name="invoice",
        idempotency_key="k1",
        payload=BILL,
        correlation_id="cor-9",
    )
    assert req.status == "pending"
    sending = store.writes.begin_attempt(req.id)
    assert (sending.status, sending.attempts) == ("sending", 1)
    failed = store.writes.fail(req.id, error="ERP offline", category="transient", final=False)
    assert (failed.status, failed.error_category) == ("pending", "transient")
    store.writes.begin_attempt(req.id)
    done = store.writes.succeed(req.id, remote_id="R-77", hub_id="inv_01K94FSMR0DEQWY9A6YFCBV9CE")
    assert (done.status, done.remote_id, done.attempts, done.error) == (
        "succeeded",
        "R-77",
        2,
        None,
    )
    # a redelivered job finds it done and does not count another attempt
    again = store.writes.begin_attempt(req.id)
    assert (again.status, again.attempts) == ("succeeded", 2)
    assert store.writes.succeed(req.id, remote_id="R-78").remote_id == "R-77"
    events = [e for e in store.outbox.pending() if e.type.startswith("write.")]
    assert [e.type for e in events] == ["write.succeeded"]
    assert events[0].correlation_id == "cor-9"
    assert events[0].data["remote_id"] == "R-77"


def test_a_final_failure_is_announced_and_can_be_retried(store: Store, connection_id: str) -> None:
    req, _ = store.writes.create_or_get(
        connection_id=connection_id, object_name="invoice", idempotency_key="k", payload=BILL
    )
    store.writes.begin_attempt(req.id)
    failed = store.writes.fail(
        req.id, error="Account code unknown", category="validation", final=True
    )
    assert failed.status == "failed"
    assert [e.type for e in store.outbox.pending()] == ["write.failed"]
    assert store.writes.retry(req.id).status == "pending"


def test_unknown_request_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.writes.get("wrq_01K94FSMR0DEQWY9A6YFCBV9CE")


def test_two_requests_racing_on_one_key_make_one_request(store: Store, connection_id: str) -> None:
    import threading

    barrier = threading.Barrier(4)
    outcomes: list[tuple[str, bool]] = []

    def submit() -> None:
        barrier.wait()
        view, created = store.writes.create_or_get(
            connection_id=connection_id, object_name="invoice", idempotency_key="race", payload=BILL
        )
        outcomes.append((view.id, created))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({request_id for request_id, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, False, True]
