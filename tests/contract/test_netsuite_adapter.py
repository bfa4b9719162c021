"""The NetSuite adapter against its sandbox: what is NetSuite's own beyond the shared contract
suite - both sign-in modes, the account's time zone around local midnight and DST, deletions
from the deleted-record log, key paging past the 100,000-row cap, the account's concurrency
limit, writes by external id and NetSuite's error details."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from canonical import Invoice, Payment, Supplier
from connectors.base import ReadState
from connectors.errors import AuthError, ErpRejected
from connectors.netsuite.sandbox import JwtCertificate
from connectors.ratelimit import Budget, MemoryRateLimiter
from connectors.sandbox import RateLimits
from hub.cli import app as hub_app
from tests.contract.adapter_fixtures import (
    NETSUITE,
    NS_ACCOUNT,
    ReadResult,
    RunningSandbox,
    read_all,
    with_page_size,
)
from tests.contract.netsuite_fixtures import ec_key, rsa_key

pytestmark = pytest.mark.contract
GOLDEN = Path(__file__).parent / "golden"
SEED, SMALL = 7, 20


@pytest.fixture
def sandboxes() -> Any:
    started: list[RunningSandbox] = []

    def start(**options: Any) -> RunningSandbox:
        sandbox = NETSUITE.start_sandbox(**options)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


def _api_calls(sandbox: RunningSandbox) -> int:
    return sum(n for route, n in sandbox.stats()["by_route"].items() if "/services/rest/" in route)


def test_full_read_with_tba_returns_every_seeded_record_at_one_call_a_page(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=60)
    counts = sandbox.counts()
    with NETSUITE.connector(sandbox) as connector:
        result = read_all(connector, NETSUITE.resources)
    assert result.failures == []
    fetched = {name: result.fetched[name] for name in NETSUITE.resources}
    assert fetched == {name: int(counts[NETSUITE.counts_key(name)]["total"]) for name in fetched}
    assert NETSUITE.observed_counts(result.by_key()) == NETSUITE.expected_counts(counts)
    assert _api_calls(sandbox) == sum(result.pages.values())


def test_full_read_with_m2m_jwt_assertion_equals_the_tba_read(sandboxes: Any) -> None:
    key = ec_key()
    sandbox = sandboxes(
        seed=SEED,
        records=SMALL,
        certificates=(JwtCertificate(kid=key.kid, pem=key.certificate_pem),),
    )
    with NETSUITE.connector(sandbox) as connector:
        tba = read_all(connector, NETSUITE.resources)
    m2m = NETSUITE.__class__(
        **{
            **NETSUITE.__dict__,
            "auth_mode": "client_credentials",
            "credentials": {
                "account_id": NS_ACCOUNT,
                "client_id": NETSUITE.client_id,
                "certificate_id": key.kid,
                "private_key": key.private_pem,
                "algorithm": "ES256",
            },
        }
    )
    with m2m.connector(sandbox) as connector:
        jwt_read = read_all(connector, NETSUITE.resources)
        token_calls = connector.flow.token_calls if connector.flow else 0
    assert jwt_read.text() == tba.text()
    assert token_calls == 1  # one bearer token for the whole read
    token_route = "POST /services/rest/auth/oauth2/v1/token"
    assert sandbox.stats()["by_route"][token_route] == 1


def test_full_read_matches_the_golden_canonical_snapshot(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    with NETSUITE.connector(sandbox) as connector:
        text = read_all(connector, NETSUITE.resources).text()
    golden = GOLDEN / f"netsuite_seed{SEED}_records{SMALL}.jsonl"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text.splitlines() == golden.read_text(encoding="utf-8").splitlines()


def _cursor(moment: datetime) -> str:
    return ReadState(since=None, next_since=moment, page=0, done=True).dump()


def _change(sandbox: RunningSandbox, obj: str, at: str, **counts: int) -> dict[str, list[str]]:
    body = {"object": obj, "at": at, **counts}
    answer = httpx.post(f"{sandbox.url}/_sandbox/changes", json=body, timeout=30)
    answer.raise_for_status()
    return dict(answer.json())


@pytest.mark.parametrize(
    ("cursor", "changed_at"),
    [
        # Just before local midnight (Los Angeles, PST = UTC-8); changes on both sides of it.
        ("2026-11-15T07:59:30Z", ["2026-11-15T07:59:45Z", "2026-11-15T08:00:10Z"]),
        # Before UTC midnight, which is 16:00 local: a date-only or UTC filter drops these.
        ("2026-11-15T23:59:00Z", ["2026-11-15T23:59:59Z", "2026-11-16T00:00:30Z"]),
        # DST starts: 02:00 PST jumps to 03:00 PDT (10:00Z).
        ("2026-03-08T09:59:00Z", ["2026-03-08T09:59:59Z", "2026-03-08T10:00:30Z"]),
        # DST ends: 01:00-02:00 local happens twice; 01:15 PST (09:15Z) comes after 01:30 PDT
        # (08:30Z) but reads earlier on the account's clock.
        ("2026-11-01T08:30:00Z", ["2026-11-01T08:45:00Z", "2026-11-01T09:15:00Z"]),
    ],
    ids=["local-midnight", "utc-midnight", "dst-start", "dst-end"],
)
def test_incremental_read_never_drops_changes_around_local_midnight_or_dst(
    sandboxes: Any, cursor: str, changed_at: list[str]
) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    since = datetime.fromisoformat(cursor.replace("Z", "+00:00"))
    expected: set[str] = set()
    for at in changed_at:
        expected |= set(_change(sandbox, "vendorBill", at, update=1, create=1)["updated"])
        expected |= set(_change(sandbox, "vendorBill", at, create=1)["created"])
    with NETSUITE.connector(sandbox) as connector:
        got = read_all(connector, ["vendor_bills"], {"vendor_bills": _cursor(since)})
    read_ids = {line["record"]["remote_id"] for line in got.lines}
    assert expected <= read_ids, f"dropped {sorted(expected - read_ids)}"


def test_the_sandbox_compares_on_the_account_clock_so_a_naive_filter_would_drop_a_change(
    sandboxes: Any,
) -> None:
    # What the adapter guards against: after DST ends, 01:15 PST is not >= 01:30 on the clock.
    sandbox = sandboxes(seed=SEED, records=SMALL)
    (late,) = _change(sandbox, "vendorBill", "2026-11-01T09:15:00Z", create=1)["created"]
    query = (
        "SELECT id FROM transaction WHERE lastmodifieddate >= "
        "TO_DATE('2026-11-01 01:30:00', 'YYYY-MM-DD HH24:MI:SS')"
    )
    with NETSUITE.connector(sandbox) as connector:
        body, _ = connector.suiteql(query)  # type: ignore[attr-defined]
    assert late not in {item["id"] for item in body["items"]}


def test_incremental_read_reports_deletions_from_the_deleted_record_log(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=60)
    with NETSUITE.connector(sandbox) as connector:
        before = read_all(connector, NETSUITE.resources)
    reported = {
        c.read_by: sandbox.change(c.object, update=c.update, delete=c.delete, create=c.create)
        for c in NETSUITE.changes
    }
    with NETSUITE.connector(sandbox) as connector:
        incremental = read_all(connector, NETSUITE.resources, before.cursors)
    with NETSUITE.connector(sandbox) as connector:
        after = read_all(connector, NETSUITE.resources)
    old, new = before.by_key(), after.by_key()
    vanished = set(old) - set(new)
    assert vanished == incremental.deleted  # every deleted record, and nothing else
    got = incremental.by_key()
    changed = {k for k in new if old.get(k) != new[k]}
    assert set(got) == changed
    assert got == {k: new[k] for k in changed}
    for resource, ids in reported.items():
        read = {rid for (res, _, rid) in got if res == resource}
        assert set(ids["updated"]) | set(ids["created"]) <= read
        gone = {rid for (res, _, rid) in incremental.deleted if res == resource}
        assert set(ids["deleted"]) == gone


def test_key_paging_reads_past_the_result_cap_that_offsets_cannot(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=200, result_cap=25)
    small_pages = with_page_size(NETSUITE.connector_class, 10)
    with NETSUITE.connector(sandbox, cls=small_pages) as connector:
        result = read_all(connector, ["vendor_bills", "invoices"])
    counts = sandbox.counts()
    assert result.fetched["vendor_bills"] == counts["vendorBill"]["total"] > 25
    assert result.fetched["invoices"] == counts["invoice"]["total"] > 25
    assert sandbox.stats()["by_status"].get("400", 0) == 0


def test_several_readers_share_the_accounts_concurrency_and_get_no_429(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=200, no_limits=False, limits=RateLimits(concurrent=3))
    limiter = MemoryRateLimiter(Budget(windows=(), concurrency=3))
    small_pages = with_page_size(NETSUITE.connector_class, 20)
    results: list[ReadResult] = []

    def reader(name: str) -> None:
        with NETSUITE.connector(sandbox, limiter=limiter, cls=small_pages) as connector:
            results.append(read_all(connector, [name]))

    names = ["vendor_bills", "invoices", "journal_entries", "vendors", "customers", "accounts"]
    threads = [threading.Thread(target=reader, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == len(names)
    assert sandbox.stats()["rate_limited"] == {}


def test_over_the_concurrency_limit_reads_back_off_and_complete(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=60, no_limits=False, limits=RateLimits(concurrent=1))
    # Slow answers, and both readers released at once: their requests overlap at the sandbox
    # however busy the machine is.
    sandbox.faults(slow_rate=1.0, slow_seconds=0.3)
    unlimited = MemoryRateLimiter(Budget.unlimited())
    outcomes: list[tuple[int, float, int]] = []
    start = threading.Barrier(2, timeout=30)

    def reader(name: str) -> None:
        with NETSUITE.connector(sandbox, limiter=unlimited) as connector:
            connector.authorize()  # the token first: only the reads race
            start.wait()
            result = read_all(connector, [name])
            stats = connector.http.stats
            outcomes.append((stats.by_status[429], stats.retry_wait, result.fetched[name]))

    threads = [threading.Thread(target=reader, args=(n,)) for n in ("vendor_bills", "invoices")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 2
    refused = sum(o[0] for o in outcomes)
    assert refused >= 1
    assert sum(o[1] for o in outcomes) >= refused * 1.0  # each 429 waited a second
    assert sandbox.stats()["rate_limited"] == {"concurrent": refused}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"account_id": "7654321"}, "account id"),
        ({"token_secret": "not-the-secret"}, "signature"),
        ({"token_id": "revoked-token"}, "token id"),
    ],
)
def test_a_wrong_account_token_or_secret_is_an_auth_error_that_says_which(
    sandboxes: Any, change: dict[str, str], says: str
) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    wrong = NETSUITE.__class__(
        **{**NETSUITE.__dict__, "credentials": {**NETSUITE.credentials, **change}}
    )
    with wrong.connector(sandbox) as connector, pytest.raises(AuthError) as caught:
        read_all(connector, ["accounts"])
    assert says in str(caught.value)
    assert caught.value.erp_code == "INVALID_LOGIN"


def test_m2m_with_an_unknown_certificate_is_an_auth_error(sandboxes: Any) -> None:
    key = rsa_key()
    sandbox = sandboxes(seed=SEED, records=SMALL)  # no certificate uploaded
    m2m = NETSUITE.__class__(
        **{
            **NETSUITE.__dict__,
            "auth_mode": "client_credentials",
            "credentials": {
                "account_id": NS_ACCOUNT,
                "client_id": NETSUITE.client_id,
                "certificate_id": key.kid,
                "private_key": key.private_pem,
            },
        }
    )
    with m2m.connector(sandbox) as connector, pytest.raises(AuthError):
        read_all(connector, ["accounts"])


def test_writes_upsert_by_external_id_and_read_back_as_canonical(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    vendors_before = sandbox.counts()["vendor"]["total"]
    with NETSUITE.connector(sandbox) as connector:
        reference = read_all(connector, ["vendors", "accounts"])
        supplier = Supplier.parse({"name": "Upsert Test Supplies", "email": "ap@upsert.example"})
        (first,) = connector.write("supplier", [supplier], idempotency_key="wrq-0001")
        (again,) = connector.write("supplier", [supplier], idempotency_key="wrq-0001")
        assert first.ok, first.error
        assert again.ok, again.error
        assert first.remote_id == again.remote_id
        assert first.record is not None
        assert first.record.name == "Upsert Test Supplies"
        expense = next(
            line["record"]["code"]
            for line in reference.lines
            if line["object"] == "account" and line["record"]["type"] == "expense"
        )
        bill = Invoice.parse(
            {
                "direction": "payable",
                "number": "UPSERT-1",
                "party_id": first.record.id,
                "issue_date": "2026-03-15",
                "due_date": "2026-04-14",
                "currency": "USD",
                "status": "authorised",
                "tax_mode": "no_tax",
                "lines": [
                    {"description": "Paper", "net_amount": "123.45", "account_code": expense}
                ],
            }
        )
        (written,) = connector.write("invoice", [bill], idempotency_key="wrq-0002")
        assert written.ok, written.error
        assert written.record is not None
        assert written.record.total == bill.total
        assert written.record.lines[0].account_code == expense
        payment = Payment.parse(
            {
                "direction": "outbound",
                "party_id": first.record.id,
                "payment_date": "2026-03-20",
                "amount": "100.00",
                "currency": "USD",
                "bank_account_code": "1000",
                "status": "settled",
                "allocations": [{"invoice_id": written.record.id, "amount": "100.00"}],
            }
        )
        (paid,) = connector.write("payment", [payment], idempotency_key="wrq-0003")
        assert paid.ok, paid.error
        assert paid.record is not None
        assert paid.record.allocations[0].amount == 100
    assert sandbox.counts()["vendor"]["total"] == vendors_before + 1  # the replay made none


def test_async_writes_carry_an_idempotency_key_and_a_repeat_runs_once(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    vendors_before = sandbox.counts()["vendor"]["total"]
    async_erp = NETSUITE.__class__(
        **{**NETSUITE.__dict__, "options": {**NETSUITE.options, "async_writes": "true"}}
    )
    supplier = Supplier.parse({"name": "Async Supplies", "email": "ap@async.example"})
    with async_erp.connector(sandbox) as connector:
        (first,) = connector.write("supplier", [supplier], idempotency_key="wrq-async-1")
        (again,) = connector.write("supplier", [supplier], idempotency_key="wrq-async-1")
    assert first.ok, first.error
    assert again.ok, again.error
    assert first.remote_id == again.remote_id
    routes = sandbox.stats()["by_route"]
    assert routes["PUT /services/rest/record/v1/{type}/{id}"] == 2
    assert routes["GET /services/rest/async/v1/job/{job}"] == 2  # the second followed the first
    assert sandbox.stats()["by_status"]["400"] == 1  # IDEMPOTENCY_ERROR, the work ran once
    assert sandbox.counts()["vendor"]["total"] == vendors_before + 1


def test_a_refused_write_is_erp_rejected_with_netsuites_code_and_field(sandboxes: Any) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    with NETSUITE.connector(sandbox) as connector:
        body = {"entity": {"id": "999999"}, "expense": {"items": []}}
        with pytest.raises(ErpRejected) as caught:
            connector.http.request("POST", "/record/v1/vendorBill", json=body)
    assert caught.value.erp_code == "INVALID_CONTENT"
    assert caught.value.details == (
        (
            "entity: Invalid value for the resource or sub-resource field "
            "'entity'. Provide a valid value."
        ),
    )


def test_hub_extract_netsuite_writes_every_seeded_record(sandboxes: Any, tmp_path: Path) -> None:
    sandbox = sandboxes(seed=SEED, records=SMALL)
    out = tmp_path / "netsuite.jsonl"
    args = ["extract", "netsuite", "--base-url", sandbox.url, "--auth-mode", "token_based"]
    for name, value in NETSUITE.credentials.items():
        args += ["--credential", f"{name}={value}"]
    args += ["--option", f"custom_fields={NETSUITE.options['custom_fields']}"]
    args += ["--no-limits", "--out", str(out)]
    result = CliRunner().invoke(hub_app, args)
    assert result.exit_code == 0, result.output
    with NETSUITE.connector(sandbox, connection_id=f"extract:netsuite:{sandbox.url}") as connector:
        expected = read_all(connector, NETSUITE.resources)
    assert out.read_text(encoding="utf-8") == expected.text()
    assert "failures 0" in result.stderr
