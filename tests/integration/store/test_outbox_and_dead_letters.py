"""The outbox in order, dispatched once; dead letters kept and replayable."""

from __future__ import annotations

import pytest

from hub.store import NotFound, Store

pytestmark = pytest.mark.integration


def test_outbox_is_read_in_order_and_dispatched_once(store: Store) -> None:
    added = [
        store.outbox.add("sync.completed", {"n": i}, correlation_id=f"c{i}", connection_id="con_x")
        for i in range(5)
    ]
    pending = store.outbox.pending(limit=3)
    assert [p.data["n"] for p in pending] == [0, 1, 2]
    assert store.outbox.mark_dispatched([p.seq for p in pending]) == 3
    assert store.outbox.mark_dispatched([p.seq for p in pending]) == 0
    assert [p.data["n"] for p in store.outbox.pending()] == [3, 4]
    assert [p.id for p in store.outbox.pending(after_seq=added[3].seq)] == [added[4].id]
    assert store.outbox.counts() == {"sync.completed": 5}
    assert len(store.outbox.list(connection_id="con_x")) == 5


def test_dead_letters_are_kept_once_listed_and_marked_replayed(store: Store) -> None:
    first = store.dead_letters.add(
        message_id="m-1",
        actor="sync",
        queue="default",
        args=["con_1", "invoice"],
        kwargs={"full": True},
        error="TransientError: ERP offline",
        case_id="exc_1",
    )
    again = store.dead_letters.add(
        message_id="m-1", actor="sync", queue="default", args=[], kwargs={}, error="other"
    )
    assert again == first
    assert [d.id for d in store.dead_letters.list()] == ["m-1"]
    assert first.message_args == ["con_1", "invoice"]
    replayed = store.dead_letters.mark_replayed("m-1")
    assert replayed.replayed_at is not None
    assert store.dead_letters.list() == []
    assert len(store.dead_letters.list(include_replayed=True)) == 1
    with pytest.raises(NotFound):
        store.dead_letters.get("m-2")


def test_sync_run_finish_writes_its_event(store: Store, connection_id: str) -> None:
    run = store.runs.start(connection_id, "invoice", "incremental", correlation_id="cor-5")
    assert store.runs.running(connection_id, "invoice") == run
    done = store.runs.finish(run.id)
    assert done.status == "succeeded"
    assert done.finished_at is not None
    assert store.runs.running(connection_id, "invoice") is None
    failed = store.runs.finish(store.runs.start(connection_id, "invoice", "full").id, error="boom")
    assert failed.status == "failed"
    assert [e.type for e in store.outbox.pending()] == ["sync.completed", "sync.failed"]
    assert store.runs.start(connection_id, "x", "full", run_id=run.id).id == run.id
    assert [r.id for r in store.runs.list(connection_id)][1] == run.id
