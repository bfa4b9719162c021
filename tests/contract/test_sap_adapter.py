"""The SAP adapter's writes against the SAP sandbox: idempotent by look-up, read back before any
resend, journal entries through SOAP, both sign-in modes, CSRF renewed inside the auth flow.
(The reads run in the shared adapter contract suite, `test_xero_adapter.py`, with every ERP.)
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from canonical import Invoice, JournalEntry, Supplier
from connectors.base import ConnectionConfig
from connectors.errors import ValidationError
from connectors.http import RetryPolicy
from connectors.sandbox import ServerHandle, run_in_thread
from connectors.sap.client import SapConnector
from connectors.sap.sandbox import SapSandboxConfig, SapSandboxState, create_app

pytestmark = pytest.mark.contract

ID, SECRET = "sap-writes-client", "sap-writes-secret"
FAST = RetryPolicy(attempts=3, initial=0.01, maximum=0.05, jitter=0.01)


@pytest.fixture
def sandbox() -> Iterator[tuple[ServerHandle, SapSandboxState]]:
    app = create_app(
        SapSandboxConfig(
            seed=7, records=40, client_id=ID, client_secret=SecretStr(SECRET), no_limits=True
        )
    )
    with run_in_thread(app) as server:
        yield server, app.state.sandbox


def _connector(
    server: ServerHandle, transport: httpx.BaseTransport | None = None, **config: Any
) -> SapConnector:
    settings: dict[str, Any] = {
        "connection_id": "contract:sap-writes",
        "base_url": server.url,
        "client_id": ID,
        "client_secret": SecretStr(SECRET),
        **config,
    }
    return SapConnector(ConnectionConfig(**settings), retry=FAST, transport=transport)


def _invoices(state: SapSandboxState) -> dict[Any, dict[str, Any]]:
    return state.store.table("API_SUPPLIERINVOICE_PROCESS_SRV", "A_SupplierInvoice").rows


def _bill(connector: SapConnector, number: str, *, draft: bool = False) -> Invoice:
    return Invoice.parse(
        {
            "direction": "payable",
            "number": number,
            "status": "draft" if draft else "authorised",
            "party_id": connector.ids.hub_id("supplier", "10100001"),
            "issue_date": "2025-11-03",
            "due_date": "2025-12-03",
            "currency": "GBP",
            "lines": [
                {
                    "net_amount": "100.00",
                    "account_code": "61000000",
                    "tax_code": "V1",
                    "tax_amount": "20.00",
                }
            ],
            "tax_total": "20.00",
            "total": "120.00",
        }
    )


def test_an_invoice_written_twice_is_created_once(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    before = len(_invoices(state))
    with _connector(server) as connector:
        connector.ids.hub_id("supplier", "10100001")  # the hub knows this supplier
        bill = _bill(connector, "SAP-ONCE-1")
        (first,) = connector.write("invoice", [bill], idempotency_key="once-1")
        (second,) = connector.write("invoice", [bill], idempotency_key="once-2")
    assert first.ok, first.error
    assert second.remote_id == first.remote_id
    assert len(_invoices(state)) == before + 1
    assert first.record is not None
    assert first.record.total == Decimal("120.00")
    assert first.record.status == "authorised"


def test_a_draft_invoice_is_parked(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    with _connector(server) as connector:
        connector.ids.hub_id("supplier", "10100001")
        (result,) = connector.write(
            "invoice", [_bill(connector, "SAP-PARK-1", draft=True)], idempotency_key="p"
        )
    assert result.ok, result.error
    number, year = str(result.remote_id).split("/")
    assert _invoices(state)[(number, year)]["SupplierInvoiceStatus"] == "A"
    assert result.record is not None
    assert result.record.status == "draft"


class _DropFirstPost(httpx.BaseTransport):
    """Serves every request, but the first POST's answer is lost on the way back."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if request.method == "POST" and "/oauth/" not in request.url.path and not self.dropped:
            response.read()
            self.dropped += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_an_invoice_whose_answer_was_lost_is_read_back_not_posted_twice(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    before = len(_invoices(state))
    transport = _DropFirstPost()
    with _connector(server, transport=transport) as connector:
        connector.ids.hub_id("supplier", "10100001")
        (result,) = connector.write(
            "invoice", [_bill(connector, "SAP-LOST-1")], idempotency_key="lost"
        )
    assert transport.dropped == 1
    assert result.ok, result.error
    assert len(_invoices(state)) == before + 1
    routes = httpx.get(f"{server.url}/_sandbox/stats").json()["by_route"]
    assert routes["POST /sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice"] == 1


def test_a_journal_entry_posts_through_soap_and_reads_back(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, _ = sandbox
    entry = JournalEntry.parse(
        {
            "posting_date": "2025-11-04",
            "currency": "GBP",
            "memo": "Month-end accrual",
            "reference": "ACCR-2025-11",
            "lines": [
                {
                    "account_code": "61001000",
                    "debit": "250.00",
                    "credit": "0",
                    "dimensions": {"cost_center": "10101101"},
                },
                {"account_code": "31000000", "debit": "0", "credit": "250.00"},
            ],
        }
    )
    with _connector(server) as connector:
        (result,) = connector.write("journal_entry", [entry], idempotency_key="je-1")
        (again,) = connector.write(
            "journal_entry",
            [entry.model_copy(update={"reference": "ACCR-BAD"}).model_copy()],
            idempotency_key="je-2",
        )
        bad = entry.model_copy(
            update={
                "lines": [
                    entry.lines[0].model_copy(update={"account_code": "99999999"}),
                    entry.lines[1],
                ]
            }
        )
        (refused,) = connector.write("journal_entry", [bad], idempotency_key="je-3")
    assert result.ok, result.error
    assert result.record is not None
    assert result.record.reference == "ACCR-2025-11"
    assert [line.dimensions for line in result.record.lines] == [{"cost_center": "10101101"}, {}]
    assert again.ok
    assert again.remote_id != result.remote_id
    assert isinstance(refused.error, ValidationError)
    assert "99999999" in str(refused.error)


def test_basic_auth_mode_and_a_renewed_csrf_token(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, _ = sandbox
    credentials = {"user": ID, "password": SECRET}
    with _connector(
        server, auth_mode="basic", credentials=credentials, client_id=None, client_secret=None
    ) as connector:
        supplier = Supplier.parse({"name": "Basic Auth Supplies", "email": "ap@basic.example"})
        (first,) = connector.write("supplier", [supplier], idempotency_key="b-1")
        httpx.post(f"{server.url}/_sandbox/expire-csrf")
        second_supplier = Supplier.parse({"name": "Renewed Token Supplies"})
        (second,) = connector.write("supplier", [second_supplier], idempotency_key="b-2")
        fetches = connector.csrf.fetches
    assert first.ok, first.error
    assert second.ok, second.error
    assert fetches == 2
    stats = httpx.get(f"{server.url}/_sandbox/stats").json()
    assert "POST /oauth/token" not in stats["by_route"]


class _Recording(httpx.HTTPTransport):
    """The real transport, keeping the URL of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[httpx.URL] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return super().handle_request(request)


def test_a_key_scan_lists_every_key_by_key_pages_and_misses_an_invoice_deleted_outright(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    everything = {f"{number}/{year}" for number, year in _invoices(state)}
    with _connector(server, options={"page_size": "7"}) as connector:
        pages = list(connector.read("supplier_invoices"))
    # A full pass lists the keys it read, without a request of its own.
    assert pages[-1].present == everything
    assert all(page.present is None for page in pages[:-1])

    (gone,) = state.make_changes("parked_supplier_invoices", delete=1)["deleted"]
    recording = _Recording()
    with _connector(server, recording, options={"page_size": "7"}) as connector:
        later = list(connector.read("supplier_invoices", pages[-1].cursor))
    assert later[-1].present == everything - {gone}
    scans = [u for u in recording.urls if "$select" in u.params and "$orderby" in u.params]
    # Keys only, in key order, seven a page, each page after the last key of the one before.
    assert len(scans) == len(everything - {gone}) // 7 + 1
    assert all(u.params["$select"] == "SupplierInvoice,FiscalYear" for u in scans)
    assert all("$expand" not in u.params and "$skip" not in u.params for u in scans)
    assert "gt" in scans[1].params["$filter"]


@pytest.mark.parametrize("name", ["supplier_invoices", "journal_entries", "payments"])
def test_records_read_by_key_equal_the_same_records_of_a_full_read(
    sandbox: tuple[ServerHandle, SapSandboxState], name: str
) -> None:
    server, _ = sandbox
    with _connector(server) as connector:
        full = [r for page in connector.read(name) for r in page.records]
        wanted = sorted({r.remote_id for r in full if r.remote_id})[::3]
        page = connector.read_ids(name, [*wanted, "9999999999/2025", "1010/2025/0000000000"], "")
    assert wanted
    assert page is not None
    assert page.failures == []
    by_key = sorted(page.records, key=lambda r: (r.remote_id or "", type(r).OBJECT))
    expected = sorted(
        (r for r in full if r.remote_id in wanted), key=lambda r: (r.remote_id or "", r.OBJECT)
    )
    assert [r.to_json_dict() for r in by_key] == [r.to_json_dict() for r in expected]


def test_an_invoice_paid_since_the_last_read_is_read_again_as_paid(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    with _connector(server) as connector:
        pages = list(connector.read("supplier_invoices"))
    before = {r.remote_id: r for page in pages for r in page.records}
    assert any(r.status == "paid" for r in before.values())  # seeded payments cleared some
    state.make_changes("payments", create=1)
    with _connector(server) as connector:
        later = [
            r
            for page in connector.read("supplier_invoices", pages[-1].cursor)
            for r in page.records
        ]
    newly_paid = [r for r in later if r.status == "paid" and before[r.remote_id].status != "paid"]
    # The invoice has no change stamp: the cleared item of its journal entry brings it back.
    assert len(newly_paid) == 1
    (paid,) = newly_paid
    assert paid.amount_paid == paid.total
    assert paid.amount_due == Decimal("0.00")


def test_a_pass_resumed_mid_way_lists_every_key_by_a_key_scan(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    everything = {f"{number}/{year}" for number, year in _invoices(state)}
    with _connector(server, options={"page_size": "7"}) as connector:
        first = next(iter(connector.read("supplier_invoices")))
    assert first.present is None
    recording = _Recording()
    with _connector(server, recording, options={"page_size": "7"}) as connector:
        rest = list(connector.read("supplier_invoices", first.cursor))
    # The keys of the pages read before the interruption are not in memory any more: the
    # resumed pass lists them all again, keys only.
    assert rest[-1].present == everything
    assert any("$select" in u.params for u in recording.urls)


@pytest.mark.parametrize("page_size", ["7", "5000"])
def test_paid_invoices_are_found_for_pages_read_by_reference_or_by_key_range(
    page_size: str,
) -> None:
    app = create_app(
        SapSandboxConfig(
            seed=11, records=120, client_id=ID, client_secret=SecretStr(SECRET), no_limits=True
        )
    )
    with run_in_thread(app) as server:
        recording = _Recording()
        with _connector(server, recording, options={"page_size": page_size}) as connector:
            records = [r for page in connector.read("supplier_invoices") for r in page.records]
        expected = app.state.sandbox.counts()["supplier_invoices"]["paid"]
    assert expected > 0
    assert sum(1 for r in records if r.status == "paid") == expected
    filters = [u.params.get("$filter", "") for u in recording.urls]
    clearings = [f for f in filters if "ClearingJournalEntry ne" in f]
    # Pages of 7 name their invoices; one page of every invoice (over 40) asks for its range.
    assert clearings
    assert all((" ge " in f) == (page_size == "5000") for f in clearings)
