"""A passing failure while a page is translated fails (and retries) the page, never a record;
a record that failed to translate is read again by id until it is stored.

Staged with the shipped defaults (through `hub sync --wait`, as a user runs it) and in process
with faults that outlast every retry (the mechanism).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Resource
from connectors.errors import MappingError, TransientError
from hub.jobs.sync import sync_resource
from hub.store.cases import RECORD_NOT_HELD
from tests.integration.hub.checks import assert_invoices_complete
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration

ORGANISATION = "/api.xro/2.0/Organisation"


def test_malformed_context_answers_lose_nothing_with_the_shipped_defaults(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=300)
    hub = make_hub(f"sqlite:///{tmp_path / 'ctx.db'}", redis_url, defaults=True)
    connection_id = hub.connect(sandbox)
    expected = sandbox.counts()["invoices"]["total"]
    # Every other answer to the lazy context read inside translation is not JSON.
    sandbox.faults(malformed_rate=0.5, paths=[ORGANISATION], seed=3)
    result = hub.hub("sync", connection_id, "--object", "invoices", "--full", "--wait")
    assert "invoices: succeeded" in result.stderr, result.stderr
    assert sandbox.route_calls(f"GET {ORGANISATION}") >= 1
    assert_invoices_complete(hub.runtime, connection_id, expected)
    assert hub.runtime.store.cases.list(status="open", connection_id=connection_id) == []


def test_a_context_read_failing_past_its_retries_fails_the_page_not_the_records(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=300)
    hub = make_hub(f"sqlite:///{tmp_path / 'ctx2.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    runtime = hub.runtime
    connector = runtime.connector(connection_id)
    connector.http._sleep = lambda _s: None  # type: ignore[attr-defined]
    expected = sandbox.counts()["invoices"]["total"]

    sandbox.faults(malformed_rate=1.0, paths=[ORGANISATION])
    with pytest.raises(TransientError, match="not JSON"):
        sync_resource(runtime, connection_id, "invoices", full=True)
    assert runtime.store.records.list(connection_id, "invoice", limit=10) == []
    assert runtime.store.records.get_cursor(connection_id, "invoices") is None
    assert runtime.store.cases.list(status="open", connection_id=connection_id) == []

    sandbox.faults()
    outcome = sync_resource(runtime, connection_id, "invoices", full=True)
    assert outcome.run is not None
    assert outcome.run.status == "succeeded"
    assert_invoices_complete(runtime, connection_id, expected)


def test_a_record_that_failed_to_translate_is_read_again_by_id_until_stored(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=100)
    hub = make_hub(f"sqlite:///{tmp_path / 'again.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    runtime = hub.runtime
    connector = runtime.connector(connection_id)
    translate = connector.translate_item
    expected = sandbox.counts()["invoices"]["total"]
    broken: set[str] = set()

    def translate_failing_one(resource: Resource, item: dict[str, Any]) -> Any:
        if resource.name == "invoices" and (not broken or item["InvoiceID"] in broken):
            broken.add(item["InvoiceID"])
            raise MappingError("the mapping cannot place this invoice (fixed later)")
        return translate(resource, item)

    connector.translate_item = translate_failing_one  # type: ignore[method-assign]
    sync_resource(runtime, connection_id, "invoices", full=True)
    (victim,) = broken
    assert runtime.store.records.get_by_remote(connection_id, "invoice", victim) is None
    (case,) = runtime.store.cases.list(status="open", connection_id=connection_id)
    assert case.category == "mapping"

    # Fixed on the hub's side; the invoice itself did not change, so an incremental read from
    # the cursor would never see it again. The next sync reads it by id.
    connector.translate_item = translate  # type: ignore[method-assign]
    by_id = "GET /api.xro/2.0/Invoices/{ident}"
    calls = sandbox.route_calls(by_id)
    sync_resource(runtime, connection_id, "invoices")
    assert sandbox.route_calls(by_id) == calls + 1
    assert runtime.store.records.get_by_remote(connection_id, "invoice", victim) is not None
    assert_invoices_complete(runtime, connection_id, expected)
    assert runtime.store.cases.list(status="open", connection_id=connection_id) == []


def test_a_record_case_for_a_passing_failure_never_says_none_needed(
    tmp_path: Path, redis_url: str, make_hub: Callable[..., HubEnv]
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'action.db'}", redis_url)
    cases = hub.runtime.store.cases
    job = cases.open_from_error(
        TransientError("Xero answered 500"),
        connection_id="con_x",
        object_name="invoices",
        source="sync",
    )
    assert job.action.startswith("Nothing to do now")
    # A record kept out by the same passing failure: the case owes it now.
    record = cases.open_from_error(
        TransientError("Xero answered 503"),
        connection_id="con_x",
        object_name="invoices",
        source="sync",
        record_ref="inv-1",
    )
    assert record.id == job.id
    assert record.action == RECORD_NOT_HELD
    assert "none needed" not in record.action.lower()
