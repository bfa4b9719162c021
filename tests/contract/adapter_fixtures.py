"""What the adapter contract tests need to know about one ERP, and helpers to drive a sandbox.

The contract tests in `test_xero_adapter.py` are written against `ErpUnderTest`, not against Xero:
NetSuite and SAP join by adding one `ErpUnderTest` to `ERPS` (a sandbox starter, the adapter
class, the changes to make, a record to write, and how the sandbox's `/_sandbox/counts` becomes
expected canonical counts). Everything else — the control endpoints `/_sandbox/counts`,
`/_sandbox/changes`, `/_sandbox/faults`, `/_sandbox/stats` — is the sandbox kit's, shared by all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from pydantic import SecretStr

from canonical import Record, Supplier
from connectors.base import ConnectionConfig, Connector, Page
from connectors.http import RetryPolicy
from connectors.netsuite.client import NetSuiteConnector
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter
from connectors.sandbox import FaultConfig, RateLimits, run_in_thread
from connectors.sap.auth import sap_budget
from connectors.sap.client import SapConnector
from connectors.sap.sandbox import SapSandboxConfig
from connectors.sap.sandbox import create_app as create_sap_app
from connectors.xero.auth import xero_budget
from connectors.xero.client import XeroConnector
from connectors.xero.sandbox import XeroSandboxConfig, create_app

FAST_RETRY = RetryPolicy(attempts=5, initial=0.01, maximum=0.1, jitter=0.01)
"""Backoff scaled down so fault runs take milliseconds per retry (Retry-After still honoured)."""

Key = tuple[str, str, str]
"""(resource, canonical object, remote id): one canonical record of a read."""


@dataclass
class RunningSandbox:
    """A sandbox on loopback and its control endpoints (the kit's, the same for every ERP)."""

    url: str
    stop: Callable[[], None]
    tenant_id: str | None = None

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def counts(self) -> dict[str, Any]:
        """`GET /_sandbox/counts`: records per collection, by type and status."""
        return dict(self._control("GET", "counts"))

    def stats(self) -> dict[str, Any]:
        """`GET /_sandbox/stats`: requests by route and status, faults, 429s."""
        return dict(self._control("GET", "stats"))

    def faults(self, **config: Any) -> dict[str, Any]:
        """`POST /_sandbox/faults` (no arguments: `DELETE`, no faults)."""
        if not config:
            return dict(self._control("DELETE", "faults"))
        return dict(self._control("POST", "faults", config))

    def change(
        self, obj: str, *, update: int = 0, delete: int = 0, create: int = 0
    ) -> dict[str, list[str]]:
        """`POST /_sandbox/changes`: the ids updated, deleted and created."""
        body = {"object": obj, "update": update, "delete": delete, "create": create}
        return dict(self._control("POST", "changes", body))


@dataclass(frozen=True)
class ChangeRequest:
    """One `POST /_sandbox/changes` call of the incremental test."""

    object: str
    update: int = 0
    delete: int = 0
    create: int = 0
    resource: str | None = None
    """The adapter's resource that reads the changed object (default: the same name)."""

    @property
    def read_by(self) -> str:
        """The resource the changes show up in."""
        return self.resource or self.object


SandboxStarter = Callable[..., RunningSandbox]
"""(seed, records, no_limits, limits: RateLimits | None, faults: dict | None) -> RunningSandbox."""


@dataclass(frozen=True)
class ErpUnderTest:
    """One ERP as the adapter contract tests see it."""

    name: str
    connector_class: type[Connector]
    start_sandbox: SandboxStarter
    client_id: str
    client_secret: str
    changes: tuple[ChangeRequest, ...]
    expected_counts: Callable[[Mapping[str, Any]], dict[str, int]]
    observed_counts: Callable[[Mapping[Key, dict[str, Any]]], dict[str, int]]
    sample_write: Callable[[], tuple[str, list[Record]]]
    write_collection: str
    reference_reads: int = 0
    """Calls a full read needs besides the resources' pages (Xero: /Organisation)."""
    page_reads: Mapping[str, int] = field(default_factory=dict)
    """Calls each page of a resource needs besides its own, by resource (SAP: a supplier
    invoice page reads whether its invoices are paid from the journal entry items)."""
    counts_key: Callable[[str], str] = field(default=lambda resource: resource)
    write_prefix: str | None = None
    """Paths a write goes to, when not every API path is (NetSuite's reads are POSTs too)."""
    write_resource: str | None = None
    """The resource that reads back what `sample_write` wrote (default: `write_collection`)."""
    auth_mode: str | None = None
    credentials: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)
    daily_limit: bool = True
    """Whether the ERP budgets calls per day (NetSuite budgets concurrency only)."""
    api_marker: str = "/api.xro/"
    """A piece of every API route's path in the sandbox's stats (not token or control routes)."""
    resends_after_drop: bool = True
    """After a dropped write response: resend with the same idempotency key (Xero), or look the
    record up and find it there (SAP, which has no idempotency keys)."""
    budget: Callable[..., Budget] = field(default=Budget.from_limits)
    """The ERP's client-side budget, built from plain limits (per_day=...)."""

    @property
    def resources(self) -> list[str]:
        """Every resource that yields canonical records, in the adapter's order."""
        return [r.name for r in self.connector_class.RESOURCES if r.objects]

    def connection_id(self, sandbox: RunningSandbox) -> str:
        """A connection id that does not depend on the sandbox's port, so hub ids are stable."""
        return f"contract:{self.name}"

    def connector(
        self,
        sandbox: RunningSandbox,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        cls: type[Connector] | None = None,
        connection_id: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> Connector:
        """The adapter connected to `sandbox` (no client-side budget unless `limiter` is given)."""
        config = ConnectionConfig(
            connection_id=connection_id or self.connection_id(sandbox),
            base_url=sandbox.url,
            auth_mode=self.auth_mode,
            credentials=dict(self.credentials),
            client_id=None if self.credentials else self.client_id,
            client_secret=None if self.credentials else SecretStr(self.client_secret),
            tenant_id=sandbox.tenant_id,
            options=dict(self.options),
        )
        return (cls or self.connector_class)(
            config,
            limiter=limiter or MemoryRateLimiter(Budget.unlimited()),
            retry=retry or FAST_RETRY,
            transport=transport,
        )


def with_page_size(cls: type[Connector], size: int) -> type[Connector]:
    """A test-only subclass whose paged resources use `size` items per page."""
    resources = tuple(
        replace(r, page_size=size) if r.page_size is not None else r for r in cls.RESOURCES
    )
    return type(f"{cls.__name__}Pages{size}", (cls,), {"RESOURCES": resources})


def record_line(page_resource: str, record: Record) -> dict[str, Any]:
    """A record as `hub extract` writes it (one JSON line)."""
    return {
        "object": type(record).OBJECT,
        "resource": page_resource,
        "record": record.to_json_dict(),
    }


def dumps_line(line: Mapping[str, Any]) -> str:
    """One JSON line, formatted exactly as `hub extract` formats it."""
    return json.dumps(line, separators=(",", ":"))


def key_of(line: Mapping[str, Any]) -> Key:
    """The (resource, object, remote id) of a line."""
    return (str(line["resource"]), str(line["object"]), str(line["record"]["remote_id"]))


@dataclass
class ReadResult:
    """A read of several resources: the lines in order, pages, fetched items, and cursors."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    pages: Counter[str] = field(default_factory=Counter)
    fetched: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    deleted: set[Key] = field(default_factory=set)

    def add(self, page: Page) -> None:
        """Take one page."""
        self.add_deleted(page)
        self.lines.extend(record_line(page.resource, r) for r in page.records)
        self.pages[page.resource] += 1
        self.fetched[page.resource] += page.fetched
        self.failures.extend(f"{f.resource} {f.remote_id}: {f.error}" for f in page.failures)
        self.cursors[page.resource] = page.cursor

    def add_deleted(self, page: Page) -> None:
        """Take the records a page reports deleted outright (no payload)."""
        for gone in page.deleted:
            self.deleted.add((page.resource, gone.object, gone.remote_id))

    def by_key(self) -> dict[Key, dict[str, Any]]:
        """Records by (resource, object, remote id); a duplicate key is an error."""
        found: dict[Key, dict[str, Any]] = {}
        for line in self.lines:
            key = key_of(line)
            assert key not in found, f"{key} was read twice"
            found[key] = line["record"]
        return found

    def text(self) -> str:
        """The lines as JSON-lines text (the golden format, and `hub extract`'s)."""
        return "".join(dumps_line(line) + "\n" for line in self.lines)


def read_all(
    connector: Connector,
    resources: Iterable[str],
    cursors: Mapping[str, str] | None = None,
) -> ReadResult:
    """Read every resource to its last page (from `cursors` when given)."""
    result = ReadResult()
    for name in resources:
        for page in connector.read(name, (cursors or {}).get(name)):
            result.add(page)
    return result


def read_pages(connector: Connector, resource: str, cursor: str | None = None) -> Iterator[Page]:
    """The pages of one resource (a thin alias, to interrupt a read in a test)."""
    return connector.read(resource, cursor)


# -- Xero ------------------------------------------------------------------------------------

_XERO_ID, _XERO_SECRET = "contract-adapter-client", "contract-adapter-secret"


def _start_xero(
    *,
    seed: int = 7,
    records: int = 20,
    no_limits: bool = True,
    limits: RateLimits | None = None,
    faults: FaultConfig | None = None,
) -> RunningSandbox:
    config = XeroSandboxConfig(
        seed=seed,
        records=records,
        client_id=_XERO_ID,
        client_secret=SecretStr(_XERO_SECRET),
        no_limits=no_limits,
        limits=limits or RateLimits(),
        faults=faults or FaultConfig(),
    )
    app = create_app(config)
    server = run_in_thread(app)
    return RunningSandbox(server.url, server.stop, tenant_id=app.state.sandbox.tenant_id)


def _by(counts: Mapping[str, Any], name: str, breakdown: str, *values: str) -> int:
    table = counts.get(name, {}).get(breakdown, {})
    return sum(int(table.get(v, 0)) for v in values)


def _xero_expected(counts: Mapping[str, Any]) -> dict[str, int]:
    """What the seeded counts imply for the canonical output (rules in translate_*.py)."""
    total = {name: int(entry["total"]) for name, entry in counts.items()}
    return {
        # A contact becomes a supplier, a customer or both: every contact appears at least once.
        "contacts: distinct contacts": total["contacts"],
        "contacts: remote_deleted": _by(counts, "contacts", "by_contact_status", "ARCHIVED"),
        "invoices: payable": _by(counts, "invoices", "by_type", "ACCPAY"),
        "invoices: receivable": _by(counts, "invoices", "by_type", "ACCREC"),
        "invoices: remote_deleted": _by(counts, "invoices", "by_status", "DELETED", "VOIDED"),
        "credit_notes: payable": _by(counts, "credit_notes", "by_type", "ACCPAYCREDIT"),
        "credit_notes: receivable": _by(counts, "credit_notes", "by_type", "ACCRECCREDIT"),
        "credit_notes: remote_deleted": _by(
            counts, "credit_notes", "by_status", "DELETED", "VOIDED"
        ),
        # A batch's member payments translate to nothing: the batch is the payment, with one
        # allocation per member. So payments + batch allocations = every /Payments item.
        "payments + batch allocations": total["payments"],
        "payments: remote_deleted": _by(counts, "payments", "by_status", "DELETED"),
        "batch_payments": total["batch_payments"],
        "overpayments": total["overpayments"],
        "prepayments": total["prepayments"],
        "manual_journals": total["manual_journals"],
        "accounts": total["accounts"],
        "tax_rates": total["tax_rates"],
    }


def _xero_observed(records: Mapping[Key, dict[str, Any]]) -> dict[str, int]:
    """The same figures, counted on canonical records."""

    def where(resource: str, test: Callable[[dict[str, Any]], bool] = lambda _: True) -> int:
        return sum(1 for (res, _, _), r in records.items() if res == resource and test(r))

    contacts = {rid for (res, _, rid) in records if res == "contacts"}
    deleted_contacts = {
        rid for (res, _, rid), r in records.items() if res == "contacts" and r["remote_deleted"]
    }
    batch_allocations = sum(
        len(r["allocations"]) for (res, _, _), r in records.items() if res == "batch_payments"
    )
    return {
        "contacts: distinct contacts": len(contacts),
        "contacts: remote_deleted": len(deleted_contacts),
        "invoices: payable": where("invoices", lambda r: r["direction"] == "payable"),
        "invoices: receivable": where("invoices", lambda r: r["direction"] == "receivable"),
        "invoices: remote_deleted": where("invoices", lambda r: r["remote_deleted"]),
        "credit_notes: payable": where("credit_notes", lambda r: r["direction"] == "payable"),
        "credit_notes: receivable": where("credit_notes", lambda r: r["direction"] == "receivable"),
        "credit_notes: remote_deleted": where("credit_notes", lambda r: r["remote_deleted"]),
        "payments + batch allocations": where("payments") + batch_allocations,
        "payments: remote_deleted": where("payments", lambda r: r["remote_deleted"]),
        "batch_payments": where("batch_payments"),
        "overpayments": where("overpayments"),
        "prepayments": where("prepayments"),
        "manual_journals": where("manual_journals"),
        "accounts": where("accounts"),
        "tax_rates": where("tax_rates"),
    }


def _xero_sample_write() -> tuple[str, list[Record]]:
    supplier = Supplier.parse(
        {"name": "Dropped Response Supplies Ltd", "email": "ap@dropped-response.example"}
    )
    return "supplier", [supplier]


XERO = ErpUnderTest(
    name="xero",
    connector_class=XeroConnector,
    start_sandbox=_start_xero,
    client_id=_XERO_ID,
    client_secret=_XERO_SECRET,
    changes=(
        ChangeRequest("contacts", update=2, delete=2, create=2),
        ChangeRequest("invoices", update=3, delete=3, create=2),
        ChangeRequest("credit_notes", update=1, delete=1, create=1),
        ChangeRequest("payments", delete=1, create=1),
        ChangeRequest("manual_journals", update=1, delete=1, create=1),
    ),
    expected_counts=_xero_expected,
    observed_counts=_xero_observed,
    sample_write=_xero_sample_write,
    write_collection="contacts",
    reference_reads=1,  # the base currency, from /Organisation
    budget=xero_budget,
)

# -- SAP ---------------------------------------------------------------------------------------

_SAP_ID, _SAP_SECRET = "contract-sap-client", "contract-sap-secret"


def _start_sap(
    *,
    seed: int = 7,
    records: int = 20,
    no_limits: bool = True,
    limits: RateLimits | None = None,
    faults: FaultConfig | None = None,
) -> RunningSandbox:
    config = SapSandboxConfig(
        seed=seed,
        records=records,
        client_id=_SAP_ID,
        client_secret=SecretStr(_SAP_SECRET),
        no_limits=no_limits,
        limits=limits or SapSandboxConfig().limits,
        faults=faults or FaultConfig(),
    )
    server = run_in_thread(create_sap_app(config))
    return RunningSandbox(server.url, server.stop)


def _sap_expected(counts: Mapping[str, Any]) -> dict[str, int]:
    """What the seeded counts imply for the canonical output (rules in connectors/sap/)."""
    partners, invoices = counts["business_partners"], counts["supplier_invoices"]
    billing, payments = counts["billing_documents"], counts["payments"]
    by_type = billing["by_type"]
    return {
        "accounts": counts["accounts"]["total"],
        "dimensions": counts["cost_centers"]["total"] + counts["profit_centers"]["total"],
        "suppliers": partners["suppliers"],
        "customers": partners["customers"],
        "partners: remote_deleted": partners["archived"],
        # A reversal document is not an invoice of its own: the one it reverses is voided.
        "payable invoices": invoices["total"] - invoices["reversals"],
        "payable: voided": invoices["reversed"],
        "payable: draft": invoices["parked"],
        "payable: paid": invoices["paid"],
        # A cancellation (S1) is not an invoice either: the one it cancels is voided.
        "receivable invoices": billing["total"] - by_type.get("S1", 0),
        "receivable: credit notes": by_type.get("G2", 0),
        "receivable: voided": billing["cancelled"],
        "journal_entries": counts["journal_entries"]["total"],
        "payments: outbound": payments["outbound"],
        "payments: inbound": payments["inbound"],
    }


def _sap_observed(records: Mapping[Key, dict[str, Any]]) -> dict[str, int]:
    """The same figures, counted on canonical records."""

    def where(resource: str, test: Callable[[dict[str, Any]], bool] = lambda _: True) -> int:
        return sum(1 for (res, _, _), r in records.items() if res == resource and test(r))

    partners = {
        (obj, rid): r for (res, obj, rid), r in records.items() if res == "business_partners"
    }
    deleted = {rid for (_, rid), r in partners.items() if r["remote_deleted"]}
    return {
        "accounts": where("accounts"),
        "dimensions": where("cost_centers") + where("profit_centers"),
        "suppliers": sum(1 for (obj, _) in partners if obj == "supplier"),
        "customers": sum(1 for (obj, _) in partners if obj == "customer"),
        "partners: remote_deleted": len(deleted),
        "payable invoices": where("supplier_invoices"),
        "payable: voided": where("supplier_invoices", lambda r: r["status"] == "voided"),
        "payable: draft": where("supplier_invoices", lambda r: r["status"] == "draft"),
        "payable: paid": where(
            "supplier_invoices", lambda r: r["status"] == "paid" and r["amount_due"] == "0.00"
        ),
        "receivable invoices": where("billing_documents"),
        "receivable: credit notes": where(
            "billing_documents", lambda r: r["document_type"] == "credit_note"
        ),
        "receivable: voided": where("billing_documents", lambda r: r["status"] == "voided"),
        "journal_entries": where("journal_entries"),
        "payments: outbound": where("payments", lambda r: r["direction"] == "outbound"),
        "payments: inbound": where("payments", lambda r: r["direction"] == "inbound"),
    }


SAP = ErpUnderTest(
    name="sap",
    connector_class=SapConnector,
    start_sandbox=_start_sap,
    client_id=_SAP_ID,
    client_secret=_SAP_SECRET,
    changes=(
        ChangeRequest("business_partners", update=2, delete=2, create=2),
        ChangeRequest("billing_documents", update=3, delete=1),
        ChangeRequest("supplier_invoices", update=1, delete=1, create=2),
        ChangeRequest("payments", create=2),
        ChangeRequest("journal_entries", create=1),
    ),
    expected_counts=_sap_expected,
    observed_counts=_sap_observed,
    sample_write=_xero_sample_write,
    write_collection="business_partners",
    reference_reads=1,  # the company code: currency and chart of accounts
    page_reads={"supplier_invoices": 1},  # the clearings of the page's supplier items
    api_marker="/sap/opu/odata/",
    resends_after_drop=False,
    budget=sap_budget,
)

# -- NetSuite --------------------------------------------------------------------------------

_NS_KEY, _NS_SECRET = "contract-ns-consumer", "contract-ns-consumer-secret"
_NS_TOKEN, _NS_TOKEN_SECRET = "contract-ns-token", "contract-ns-token-secret"
NS_ACCOUNT = "1234567_SB1"
NS_RESOURCE_TYPES = {
    "vendors": "vendor",
    "customers": "customer",
    "vendor_bills": "vendorBill",
    "vendor_credits": "vendorCredit",
    "invoices": "invoice",
    "credit_memos": "creditMemo",
    "vendor_payments": "vendorPayment",
    "customer_payments": "customerPayment",
    "journal_entries": "journalEntry",
    "accounts": "account",
    "subsidiaries": "subsidiary",
    "departments": "department",
    "classes": "classification",
    "locations": "location",
}
"""The adapter's resources and the sandbox's record types they read."""
NS_CUSTOM_FIELDS = (
    "vendors:custentity_vendor_tier,customers:custentity_segment,"
    "custbody_project_code,custcol_cost_center"
)


def _start_netsuite(
    *,
    seed: int = 7,
    records: int = 20,
    no_limits: bool = True,
    limits: RateLimits | None = None,
    faults: FaultConfig | None = None,
    **more: Any,
) -> RunningSandbox:
    from connectors.netsuite.sandbox import NetSuiteSandboxConfig
    from connectors.netsuite.sandbox import create_app as create_netsuite_app

    config = NetSuiteSandboxConfig(
        seed=seed,
        records=records,
        account_id=NS_ACCOUNT,
        client_id=_NS_KEY,
        client_secret=SecretStr(_NS_SECRET),
        token_id=_NS_TOKEN,
        token_secret=SecretStr(_NS_TOKEN_SECRET),
        no_limits=no_limits,
        concurrency=limits.concurrent if limits else 5,
        faults=faults or FaultConfig(),
        **more,
    )
    server = run_in_thread(create_netsuite_app(config))
    return RunningSandbox(server.url, server.stop, tenant_id=NS_ACCOUNT)


def _netsuite_expected(counts: Mapping[str, Any]) -> dict[str, int]:
    """What the seeded counts imply: one canonical record per NetSuite record."""
    out = {name: int(counts[kind]["total"]) for name, kind in NS_RESOURCE_TYPES.items()}
    out["vendors: remote_deleted"] = int(counts["vendor"]["inactive"])
    out["customers: remote_deleted"] = int(counts["customer"]["inactive"])
    for name in ("vendor_bills", "invoices"):
        by_status = counts[NS_RESOURCE_TYPES[name]].get("by_status", {})
        out[f"{name}: paid"] = int(by_status.get("B", 0))
        out[f"{name}: submitted"] = int(by_status.get("D", 0))
    return out


def _netsuite_observed(records: Mapping[Key, dict[str, Any]]) -> dict[str, int]:
    """The same figures, counted on canonical records."""

    def where(resource: str, test: Callable[[dict[str, Any]], bool] = lambda _: True) -> int:
        return sum(1 for (res, _, _), r in records.items() if res == resource and test(r))

    out = {name: where(name) for name in NS_RESOURCE_TYPES}
    out["vendors: remote_deleted"] = where("vendors", lambda r: r["remote_deleted"])
    out["customers: remote_deleted"] = where("customers", lambda r: r["remote_deleted"])
    for name in ("vendor_bills", "invoices"):
        out[f"{name}: paid"] = where(name, lambda r: r["status"] == "paid")
        out[f"{name}: submitted"] = where(name, lambda r: r["status"] == "submitted")
    return out


NETSUITE = ErpUnderTest(
    name="netsuite",
    connector_class=NetSuiteConnector,
    start_sandbox=_start_netsuite,
    client_id=_NS_KEY,
    client_secret=_NS_SECRET,
    changes=(
        ChangeRequest("vendor", update=2, delete=2, create=2, resource="vendors"),
        ChangeRequest("vendorBill", update=3, delete=3, create=2, resource="vendor_bills"),
        ChangeRequest("invoice", update=1, delete=1, create=1, resource="invoices"),
        ChangeRequest("vendorPayment", delete=1, create=1, resource="vendor_payments"),
        ChangeRequest("journalEntry", update=1, delete=1, create=1, resource="journal_entries"),
    ),
    expected_counts=_netsuite_expected,
    observed_counts=_netsuite_observed,
    sample_write=_xero_sample_write,
    write_collection="vendor",
    write_resource="vendors",
    counts_key=lambda name: NS_RESOURCE_TYPES.get(name, name),
    api_marker="/services/rest/",
    write_prefix="/services/rest/record/",
    auth_mode="token_based",
    credentials={
        "account_id": NS_ACCOUNT,
        "consumer_key": _NS_KEY,
        "consumer_secret": _NS_SECRET,
        "token_id": _NS_TOKEN,
        "token_secret": _NS_TOKEN_SECRET,
    },
    options={"custom_fields": NS_CUSTOM_FIELDS},
    daily_limit=False,
    # A lost answer to a write is looked up by external id before anything is sent again.
    resends_after_drop=False,
)

ERPS: Sequence[ErpUnderTest] = (XERO, SAP, NETSUITE)
"""Every ERP the adapter contract tests run against (NetSuite joins here)."""

__all__ = [
    "ERPS",
    "FAST_RETRY",
    "NETSUITE",
    "ChangeRequest",
    "ErpUnderTest",
    "Key",
    "ReadResult",
    "RunningSandbox",
    "dumps_line",
    "key_of",
    "read_all",
    "read_pages",
    "record_line",
    "with_page_size",
]
