"""The adapter against its sandbox: complete, incremental, fault-proof, resumable, exactly-once.

Every test takes `erp` (an `ErpUnderTest`, parametrised over `adapter_fixtures.ERPS`) and talks to
the sandbox only through its real HTTP API and the kit's control endpoints, so NetSuite and SAP
run through the same code by adding themselves to `ERPS`.

Golden snapshots: `golden/<erp>_seed<S>_records<N>.jsonl` is the canonical output of a full read
of a seeded sandbox, in `hub extract`'s line format, compared exactly. No field is masked: hub
ids come from `StableIds` (derived from the remote ids and a fixed connection id), and every
timestamp in the output is seeded data, not the time of the run. Regenerate after an intended
translation change with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/contract/test_xero_adapter.py`
and review the diff.
"""

from __future__ import annotations

import os
import time
import weakref
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from connectors.base import Page
from connectors.errors import RateLimited
from connectors.pull import pull
from connectors.ratelimit import MemoryRateLimiter
from connectors.sandbox import FaultConfig, RateLimits
from hub.cli import app as hub_app
from tests.contract.adapter_fixtures import (
    ErpUnderTest,
    ReadResult,
    RunningSandbox,
    key_of,
    read_all,
    with_page_size,
)

pytest_plugins = ["tests.contract.conftest_adapter"]
pytestmark = pytest.mark.contract

GOLDEN = Path(__file__).parent / "golden"
SEED, SMALL = 7, 20


def _api_requests(stats: dict[str, Any], erp: ErpUnderTest) -> int:
    return sum(n for route, n in stats["by_route"].items() if erp.api_marker in route)


def test_full_read_returns_every_seeded_record(erp: ErpUnderTest, sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=60)
    counts = sandbox.counts()
    with erp.connector(sandbox) as connector:
        result = read_all(connector, erp.resources)
    assert result.failures == []
    fetched = {name: result.fetched[name] for name in erp.resources}
    seeded = {name: int(counts[erp.counts_key(name)]["total"]) for name in erp.resources}
    assert fetched == seeded
    assert erp.observed_counts(result.by_key()) == erp.expected_counts(counts)


def test_full_read_makes_the_minimum_number_of_calls(erp: ErpUnderTest, sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    with erp.connector(sandbox) as connector:
        result = read_all(connector, erp.resources)
    # Every page of every resource once, plus the reference reads translation needs (once, or
    # once a page where the ERP keeps a page's context in another service): nothing is read
    # twice (Xero's accounts, needed by batch payments, come from the accounts read).
    minimum = sum(result.pages.values()) + erp.reference_reads
    minimum += sum(result.pages[name] * n for name, n in erp.page_reads.items())
    assert _api_requests(sandbox.stats(), erp) == minimum


def test_a_read_holds_one_page_at_a_time(erp: ErpUnderTest, sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=200)
    alive: list[weakref.ref[Any]] = []
    held: list[int] = []
    base = with_page_size(erp.connector_class, 50)

    class Watched(base):  # type: ignore[valid-type, misc]
        def fetch_page(self, resource: Any, since: Any, page: int) -> Any:
            held.append(sum(1 for ref in alive if ref() is not None))
            return super().fetch_page(resource, since, page)

    def sink(page: Page) -> None:
        alive.extend(weakref.ref(record) for record in page.records)

    with erp.connector(sandbox, cls=Watched) as connector:
        stats = pull(connector, erp.resources, sink)
    assert max(stats.pages.values()) >= 4
    # When the next page is fetched, no record of the pages before it is still in memory.
    assert held == [0] * len(held)


def test_full_read_matches_the_golden_canonical_snapshot(erp: ErpUnderTest, sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    with erp.connector(sandbox) as connector:
        text = read_all(connector, erp.resources).text()
    golden = GOLDEN / f"{erp.name}_seed{SEED}_records{SMALL}.jsonl"
    if os.environ.get("UPDATE_GOLDEN") == "1" or not golden.exists():
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{golden} is missing: create it with UPDATE_GOLDEN=1")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    # Compare line by line so a failure shows the records that changed, not one huge string.
    assert text.splitlines() == expected.splitlines()


def test_records_read_again_by_id_equal_what_the_full_read_gave(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    """Records that failed to translate are read again by id on every sync (issue 23): each
    adapter's `fetch_items` gives the items with those ids (the ids a failure names) exactly as
    a page of the full read does, and leaves out ids the ERP does not have."""
    sandbox = sandboxes(seed=SEED, records=SMALL)
    checked = []
    with erp.connector(sandbox) as connector:
        for name in erp.resources:
            resource = connector.resource(name)
            connector.prepare_read(resource)
            listed = connector.fetch_page(resource, None, None).items
            wanted = {key: item for item in listed[:3] if (key := resource.remote_id(item))}
            if not wanted:
                continue
            again = connector.fetch_items(resource, [*wanted, "999999999"])
            assert again is not None, f"{erp.name} cannot read {name} by id"
            assert {resource.remote_id(item): item for item in again} == wanted, name
            page = connector.read_ids(name, list(wanted), "cursor-unchanged")
            assert page is not None
            assert (page.cursor, page.failures, page.fetched) == (
                "cursor-unchanged",
                [],
                len(wanted),
            )
            assert page.records, name
            checked.append(name)
    assert len(checked) == len(erp.resources), checked


def test_incremental_read_after_changes_returns_exactly_the_changes_including_deletes(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    sandbox = sandboxes(seed=SEED, records=60)
    with erp.connector(sandbox) as connector:
        before = read_all(connector, erp.resources)
    reported: dict[str, dict[str, list[str]]] = {}
    for change in erp.changes:
        reported[change.object] = sandbox.change(
            change.object, update=change.update, delete=change.delete, create=change.create
        )
    with erp.connector(sandbox) as connector:
        incremental = read_all(connector, erp.resources, before.cursors)
    with erp.connector(sandbox) as connector:
        after = read_all(connector, erp.resources)

    incremental_names = {
        r.name for r in erp.connector_class.capabilities().resources if r.incremental
    }
    old, new = before.by_key(), after.by_key()
    got = {k: v for k, v in incremental.by_key().items() if k[0] in incremental_names}
    # A record deleted outright (NetSuite) is gone from a full read: its deletion was reported.
    vanished = set(old) - set(new)
    assert vanished <= incremental.deleted, "a record vanished without a deletion"
    changed = {k for k in new if k[0] in incremental_names and old.get(k) != new[k]}
    # Exactly the records whose canonical form changed or that are new, each as it is now.
    assert set(got) == changed
    assert got == {k: new[k] for k in changed}
    for change in erp.changes:
        resource = change.read_by
        ids = reported[change.object]
        read_ids = {rid for (res, _, rid) in got if res == resource}
        for kind, count in (("updated", change.update), ("deleted", change.delete)):
            assert len(ids[kind]) == count, f"the sandbox did not {kind} {count} {resource}"
        reported_gone = {rid for (res, _, rid) in incremental.deleted if res == resource}
        assert set(ids["updated"]) | set(ids["created"]) <= read_ids
        assert set(ids["deleted"]) <= read_ids | reported_gone
        for rid in ids["deleted"]:
            if rid in reported_gone:
                continue  # deleted outright: no record left to read
            records = [v for (res, _, r), v in got.items() if res == resource and r == rid]
            assert records, f"deleted {resource} {rid} was not read"
            assert all(v["remote_deleted"] for v in records), f"{resource} {rid} not deleted"
    # Resources without a change stamp are read in full each time, and nothing changed them.
    for name in set(erp.resources) - incremental_names:
        rows = [line for line in incremental.lines if line["resource"] == name]
        assert rows == [line for line in before.lines if line["resource"] == name]


def test_full_read_through_injected_5xx_and_429s_equals_a_clean_read(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    small_pages = with_page_size(erp.connector_class, 10)
    clean_box = sandboxes(seed=SEED, records=150)
    faults = FaultConfig(
        error_rate=0.05, unavailable_rate=0.05, throttle_rate=0.05, retry_after=1, seed=1
    )
    faulty_box = sandboxes(seed=SEED, records=150, faults=faults)
    with erp.connector(clean_box, cls=small_pages) as connector:
        clean = read_all(connector, erp.resources)
    with erp.connector(faulty_box, cls=small_pages) as connector:
        faulty = read_all(connector, erp.resources)
        calls = connector.http.stats  # type: ignore[attr-defined]
    assert faulty.failures == []
    assert faulty.text() == clean.text()
    injected = faulty_box.stats()["faults"]
    assert injected.get("error", 0) + injected.get("unavailable", 0) >= 3, injected
    assert injected.get("throttle", 0) >= 1, injected
    # Every injected fault cost exactly one retry: none was given up on, none retried twice.
    assert calls.retries == sum(injected.values())
    assert calls.by_status[500] == injected.get("error", 0)
    assert calls.by_status[503] == injected.get("unavailable", 0)
    assert calls.by_status[429] == injected.get("throttle", 0)
    assert calls.retry_wait >= injected.get("throttle", 0) * 1.0  # Retry-After: 1 honoured


class _ClearFaultsOnDrop(httpx.BaseTransport):
    """Reads each body inside the transport; after a dropped response, turns the faults off.

    This is the network dropping one response: the sandbox applied the write (its `drop` fault
    serves the request first), the client saw a broken connection, and the retry goes through.
    """

    def __init__(self, sandbox: RunningSandbox) -> None:
        self._inner = httpx.HTTPTransport()
        self._sandbox = sandbox
        self.drops = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            # A response without a body (NetSuite's 204) is lost before its head arrives.
            response = self._inner.handle_request(request)
        except httpx.TransportError:
            self.drops += 1
            self._sandbox.faults()
            raise
        try:
            content = b"".join(response.stream)  # type: ignore[arg-type]
        except httpx.TransportError:
            self.drops += 1
            self._sandbox.faults()
            raise
        finally:
            response.close()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=content,
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


def test_write_retried_after_a_dropped_response_creates_exactly_one_record(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    before = int(sandbox.counts()[erp.write_collection]["total"])
    object_name, records = erp.sample_write()
    sandbox.faults(drop_rate=1.0, methods=["PUT", "POST"])
    transport = _ClearFaultsOnDrop(sandbox)
    with erp.connector(sandbox, transport=transport) as connector:
        results = connector.write(object_name, records, idempotency_key="write-0001")
        calls = connector.http.stats  # type: ignore[attr-defined]
    assert transport.drops == 1
    assert [r.ok for r in results] == [True] * len(records), [r.error for r in results]
    stats = sandbox.stats()
    assert stats["faults"] == {"drop": 1}
    marker = erp.write_prefix or erp.api_marker
    writes = {
        route: n
        for route, n in stats["by_route"].items()
        if route.split()[0] in ("PUT", "POST") and marker in route
    }
    if erp.resends_after_drop:
        assert calls.retries == 1
        assert sum(writes.values()) == 2, writes  # the dropped attempt and its retry
    else:
        # No idempotency key: the adapter looked the record up, found it, and did not resend.
        assert calls.retries == 0
        assert sum(writes.values()) == 1, writes
    assert int(sandbox.counts()[erp.write_collection]["total"]) == before + len(records)
    # The retry got the first attempt's answer: the record it names is the one created.
    with erp.connector(sandbox) as connector:
        everything = read_all(connector, [erp.write_resource or erp.write_collection])
    created = {key_of(line)[2] for line in everything.lines}
    assert all(r.remote_id in created for r in results)


def test_read_resumed_from_the_cursor_of_page_k_loses_and_repeats_nothing(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    sandbox = sandboxes(seed=SEED, records=200)
    small_pages = with_page_size(erp.connector_class, 50)
    paged = [r.name for r in small_pages.RESOURCES if r.objects and r.page_size is not None]
    with erp.connector(sandbox, cls=small_pages) as connector:
        reference = {name: read_all(connector, [name]) for name in paged}
    longest = max(reference[name].pages[name] for name in paged)
    assert longest >= 4, "seed more records: the test needs a read of several pages"
    for name in paged:
        pages = reference[name].pages[name]
        if pages < 2:
            continue
        stop_after = pages // 2
        first = ReadResult()
        with erp.connector(sandbox, cls=small_pages) as connector:
            reader = connector.read(name)
            for page in reader:
                first.add(page)
                if page.number == stop_after:
                    break
            # The worker dies here: only the cursor of page k survives.
        cursor = first.cursors[name]
        with erp.connector(sandbox, cls=small_pages) as connector:
            rest = read_all(connector, [name], {name: cursor})
        assert first.pages[name] == stop_after
        assert rest.pages[name] == pages - stop_after
        combined = ReadResult(lines=first.lines + rest.lines)
        assert combined.by_key() == reference[name].by_key()  # by_key refuses duplicates
        assert combined.text() == reference[name].text()


def test_records_updated_mid_read_push_no_other_record_out_of_the_resumed_read(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    sandbox = sandboxes(seed=SEED, records=200)
    small_pages = with_page_size(erp.connector_class, 50)
    name = erp.changes[1].object  # the documents (Xero: invoices)
    resource = erp.changes[1].read_by
    with erp.connector(sandbox, cls=small_pages) as connector:
        reference = read_all(connector, [resource])
    assert reference.pages[resource] >= 3
    first = ReadResult()
    with erp.connector(sandbox, cls=small_pages) as connector:
        for page in connector.read(resource):
            first.add(page)
            if page.number == 2:
                break
    read_ids = {key_of(line)[2] for line in first.lines}
    updated = sandbox.change(name, update=10)["updated"]
    assert set(updated) & read_ids, "no update hit an already-read page: the test proves nothing"
    with erp.connector(sandbox, cls=small_pages) as connector:
        rest = read_all(connector, [resource], {resource: first.cursors[resource]})
        following = read_all(connector, [resource], {resource: rest.cursors[resource]})
    keys = [key_of(line) for line in first.lines + rest.lines]
    assert set(reference.by_key()) - set(keys) == set(), "records skipped"
    assert len(keys) == len(set(keys)), "records read twice"
    # The records updated behind the read are caught by the next pass, as they are now.
    assert set(updated) <= {key_of(line)[2] for line in following.lines}


def test_daily_limit_429_stops_the_read_with_rate_limited_instead_of_sleeping(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    if not erp.daily_limit:
        pytest.skip(f"{erp.name} has no daily call budget (its concurrency limit is tested apart)")
    sandbox = sandboxes(seed=SEED, records=SMALL, no_limits=False, limits=RateLimits(per_day=4))
    started = time.monotonic()
    with erp.connector(sandbox) as connector:
        with pytest.raises(RateLimited) as caught:
            read_all(connector, erp.resources)
        calls = connector.http.stats  # type: ignore[attr-defined]
    assert time.monotonic() - started < 5
    assert caught.value.scope == "day"
    assert caught.value.retry_after > 3600
    assert "day" in str(caught.value)
    assert calls.retries == 0
    assert calls.by_status[429] == 1
    assert sandbox.stats()["rate_limited"] == {"day": 1}


def test_client_side_daily_budget_stops_the_read_before_sending(
    erp: ErpUnderTest, sandboxes: Any
) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    limiter = MemoryRateLimiter(erp.budget(per_day=3))
    started = time.monotonic()
    with erp.connector(sandbox, limiter=limiter) as connector, pytest.raises(RateLimited) as caught:
        read_all(connector, erp.resources)
    assert time.monotonic() - started < 5
    assert caught.value.scope == "day"
    assert _api_requests(sandbox.stats(), erp) == 3  # the fourth call was never sent


def test_hub_extract_writes_every_seeded_record_in_canonical_form(
    erp: ErpUnderTest, sandboxes: Any, tmp_path: Path
) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    out = tmp_path / "extract.jsonl"
    args = ["extract", erp.name, "--base-url", sandbox.url, "--no-limits", "--out", str(out)]
    if erp.credentials:
        args += ["--auth-mode", str(erp.auth_mode)]
        args += [f"--credential={k}={v}" for k, v in erp.credentials.items()]
        args += [f"--option={k}={v}" for k, v in erp.options.items()]
    else:
        args += ["--client-id", erp.client_id, "--client-secret", erp.client_secret]
    if sandbox.tenant_id:
        args += ["--tenant", sandbox.tenant_id]
    result = CliRunner().invoke(hub_app, args)
    assert result.exit_code == 0, result.output
    # `hub extract` names its connection after the tenant (or URL): read with the same id.
    connection_id = f"extract:{erp.name}:{sandbox.tenant_id or sandbox.url}"
    with erp.connector(sandbox, connection_id=connection_id) as connector:
        expected = read_all(connector, erp.resources)
    assert out.read_text(encoding="utf-8") == expected.text()
    assert erp.observed_counts(expected.by_key()) == erp.expected_counts(sandbox.counts())
    summary = result.stderr
    assert "Extracted" in summary
    assert "retries 0" in summary
    assert "failures 0" in summary
    per_object: dict[str, int] = {}
    for line in expected.lines:
        per_object[line["object"]] = per_object.get(line["object"], 0) + 1
    for obj, count in per_object.items():
        assert any(obj in row and str(count) in row for row in summary.splitlines()), obj
