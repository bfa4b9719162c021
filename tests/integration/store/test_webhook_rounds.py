"""A delivery round's store side on SQLite and PostgreSQL: claims in order per record, the
set-based attempt records (delivered, retried, dead), the failing clock, and the endpoint with
its signing secrets read in one go."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.store import NotFound, Store
from hub.store.models import utcnow
from hub.store.webhooks import AttemptResult, Outcome

pytestmark = pytest.mark.integration

LEASE = timedelta(seconds=30)


def _messages(store: Store, connection_id: str, keys: list[str]) -> str:
    """An endpoint of the connection's tenant with one message per key, in that order."""
    tenant_id = store.connections.get(connection_id).tenant_id
    endpoint, _secret = store.webhooks.create_endpoint(tenant_id, "https://hooks.example/x", ["*"])
    items = [
        store.outbox.add(
            "supplier.updated", {"id": key}, correlation_id=f"c{i}", connection_id=connection_id
        )
        for i, key in enumerate(keys)
    ]
    created = store.webhooks.fan_out(items, {connection_id: tenant_id})
    assert created == {endpoint.id: len(keys)}
    return endpoint.id


def _ok(ms: int = 3) -> AttemptResult:
    return AttemptResult(204, ms, "", None)


def _failed(code: int | None) -> AttemptResult:
    return AttemptResult(code, 9, "nope", f"HTTP {code}" if code else "ConnectError: refused")


def test_claim_keeps_order_per_record_and_a_round_records_each_outcome(
    store: Store, connection_id: str
) -> None:
    hooks = store.webhooks
    endpoint_id = _messages(store, connection_id, ["a", "b", "a", "c", "d"])
    first = hooks.claim(endpoint_id, 10, LEASE)
    # the second message of record "a" waits for the first
    assert [m.ordering_key for m in first] == ["a", "b", "c", "d"]
    assert all(m.status == "sending" and m.lease_until is not None for m in first)
    assert hooks.claim(endpoint_id, 10, LEASE) == []  # leased, and "a" still unfinished

    soon = utcnow() + timedelta(seconds=5)
    a, b, c, d = first
    hooks.record_attempts(
        endpoint_id,
        [
            Outcome(a, _ok(), "delivered"),
            Outcome(b, _failed(503), "retry", soon),
            Outcome(c, _failed(None), "dead"),
            Outcome(d, _failed(410), "gone"),
        ],
    )
    by_id = {m.id: m for m in hooks.messages(endpoint_id)}
    assert by_id[a.id].status == "delivered"
    assert by_id[a.id].finished_at is not None
    assert by_id[a.id].last_error is None
    assert by_id[a.id].lease_until is None
    assert by_id[b.id].status == "pending"
    assert by_id[b.id].last_error == "HTTP 503"
    assert abs((by_id[b.id].next_attempt_at - soon).total_seconds()) < 1
    assert by_id[c.id].status == "dead"
    assert by_id[c.id].last_error == "ConnectError: refused"
    assert by_id[d.id].status == "dead"
    assert by_id[d.id].finished_at is not None
    assert all(by_id[m.id].attempts == 1 for m in first)

    tenant_id = store.connections.get(connection_id).tenant_id
    attempts = hooks.attempts(tenant_id, endpoint_id, None, 10)
    assert sorted((x.message_id, x.attempt, x.status_code) for x in attempts) == sorted(
        [(a.id, 1, 204), (b.id, 1, 503), (c.id, 1, None), (d.id, 1, 410)]
    )
    assert {x.latency_ms for x in attempts} == {3, 9}
    # a success in the batch: the endpoint is not failing
    assert hooks.endpoint(endpoint_id).failing_since is None

    # "a"'s second message is now free; "b" waits for its retry time
    second = hooks.claim(endpoint_id, 10, LEASE)
    assert [m.ordering_key for m in second] == ["a"]
    hooks.record_attempts(endpoint_id, [Outcome(second[0], _failed(500), "retry", utcnow())])
    started = hooks.endpoint(endpoint_id).failing_since
    assert started is not None  # a batch without a success starts the clock
    third = hooks.claim(endpoint_id, 10, LEASE)
    assert [m.id for m in third] == [second[0].id]
    hooks.record_attempts(endpoint_id, [Outcome(third[0], _failed(500), "retry", utcnow())])
    assert hooks.endpoint(endpoint_id).failing_since == started  # it keeps running
    last = hooks.claim(endpoint_id, 10, LEASE)
    hooks.record_attempts(endpoint_id, [Outcome(last[0], _ok(), "delivered")])
    assert hooks.endpoint(endpoint_id).failing_since is None
    numbers = [x.attempt for x in hooks.attempts(tenant_id, endpoint_id, None, 10)]
    assert numbers[:3] == [3, 2, 1]  # newest first: that message's three attempts


def test_a_message_gone_from_the_store_is_skipped_and_an_empty_round_is_nothing(
    store: Store, connection_id: str
) -> None:
    hooks = store.webhooks
    endpoint_id = _messages(store, connection_id, ["a"])
    (msg,) = hooks.claim(endpoint_id, 10, LEASE)
    hooks.record_attempts(endpoint_id, [])
    ghost = msg.model_copy(update={"id": "msg_gone"})
    hooks.record_attempts(endpoint_id, [Outcome(ghost, _ok(), "delivered")])
    tenant_id = store.connections.get(connection_id).tenant_id
    assert hooks.attempts(tenant_id, endpoint_id, None, 10) == []
    assert hooks.messages(endpoint_id)[0].status == "sending"


def test_delivery_target_follows_changes_and_rotations(store: Store, connection_id: str) -> None:
    hooks = store.webhooks
    tenant_id = store.connections.get(connection_id).tenant_id
    endpoint, secret = hooks.create_endpoint(tenant_id, "https://hooks.example/a", ["*"])
    view, secrets = hooks.delivery_target(endpoint.id)
    assert (view.url, secrets) == ("https://hooks.example/a", [secret])
    assert hooks.delivery_target(endpoint.id)[1] == [secret]  # from the cache, the same

    hooks.update_endpoint(tenant_id, endpoint.id, url="https://hooks.example/b")
    newer = hooks.rotate_secret(tenant_id, endpoint.id, timedelta(hours=1))
    view, secrets = hooks.delivery_target(endpoint.id)
    assert view.url == "https://hooks.example/b"
    assert secrets == [newer, secret]  # both during the overlap
    assert hooks.signing_secrets(endpoint.id) == [newer, secret]

    newest = hooks.rotate_secret(tenant_id, endpoint.id, timedelta(seconds=-1))
    # `newer`'s overlap is already over; the first secret keeps the hour it was given
    assert hooks.delivery_target(endpoint.id)[1] == [newest, secret]
    hooks.disable(endpoint.id, "test")
    assert hooks.delivery_target(endpoint.id)[0].status == "disabled"
    with pytest.raises(NotFound):
        hooks.delivery_target("whe_missing")
