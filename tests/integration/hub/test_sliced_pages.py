"""A page stored in slices: a sync that dies between two slices of a page resumes at that page,
and the records its stored slices hold are neither lost nor announced twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ReadState, Resource
from hub.jobs.sync import sync_resource
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


class Crash(Exception):
    """The worker dies (not an ERP error: nothing handles it)."""


def test_a_sync_that_dies_between_slices_resumes_at_that_page_without_duplicates(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=1500)  # invoices and bills: two pages of Xero's 1,000
    hub = make_hub(f"sqlite:///{tmp_path / 'slices.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    runtime = hub.runtime
    connector = runtime.connector(connection_id)
    assert connector.SLICE == 200
    translate = connector.translate_item
    translated = 0

    def die_in_the_third_slice_of_page_two(resource: Resource, item: dict[str, Any]) -> Any:
        nonlocal translated
        translated += 1
        if translated == 1000 + 450:
            raise Crash
        return translate(resource, item)

    connector.translate_item = die_in_the_third_slice_of_page_two  # type: ignore[method-assign]
    with pytest.raises(Crash):
        sync_resource(runtime, connection_id, "invoices", full=True)

    store = runtime.store
    (run,) = store.runs.list(connection_id, "invoices", limit=1)
    assert run.pages == 1  # page 2 is not reached: only two of its slices are in
    assert run.created + run.deleted == 1000 + 400  # voided and deleted documents: `deleted`
    state = ReadState.load(store.records.get_cursor(connection_id, "invoices"))
    assert state is not None
    assert (state.page, state.done) == (1, False)
    assert len(store.records.list(connection_id, "invoice", limit=5000)) == 1400

    connector.translate_item = translate  # type: ignore[method-assign]
    outcome = sync_resource(runtime, connection_id, "invoices", full=True)

    assert outcome.run is not None
    assert outcome.run.id == run.id  # the unfinished run was taken over and resumed
    assert outcome.run.status == "succeeded"
    assert outcome.run.pages == 2
    assert outcome.run.created + outcome.run.deleted == 1500
    assert outcome.run.unchanged == 400  # the two slices stored before the crash, read again
    stored = store.records.list(connection_id, "invoice", limit=5000)
    assert len(stored) == sandbox.counts()["invoices"]["total"] == 1500
    assert len({r.remote_id for r in stored}) == 1500
    events = store.outbox.counts(connection_id)
    announced = sum(n for kind, n in events.items() if kind.startswith("invoice."))
    assert announced == 1500  # each record announced once
    state = ReadState.load(store.records.get_cursor(connection_id, "invoices"))
    assert state is not None
    assert state.done
