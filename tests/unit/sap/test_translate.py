"""SAP translation on the sandbox's own data: every seeded entity becomes valid canonical records,
with the rules of `translate_*` (reversals voided, parked drafts, cleared invoices paid, payments
allocated to the invoices they cleared), and canonical records go to SAP and come back the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from canonical import Invoice, Supplier
from connectors.errors import MappingError
from connectors.ids import StableIds
from connectors.sandbox import run_in_thread
from connectors.sap.resources import SAP_READS
from connectors.sap.sandbox import SapSandboxConfig, create_app
from connectors.sap.translate import to_canonical
from connectors.sap.translate_common import SapContext
from connectors.sap.translate_documents import invoice_to_sap
from connectors.sap.translate_parties import supplier_to_sap
from connectors.sap.wire import collection

AUTH = ("sandbox-client", "sandbox-secret")


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    app = create_app(SapSandboxConfig(seed=3, records=120, no_limits=True))
    with run_in_thread(app) as server, httpx.Client(base_url=server.url, auth=AUTH) as http:
        yield http


def ctx() -> SapContext:
    return SapContext(connection_id="con_sap", ids=StableIds("con_sap"), base_currency="GBP")


def read(client: httpx.Client, name: str) -> list[dict[str, Any]]:
    spec = SAP_READS[name]
    params = {"$top": "5000"}
    if spec.expand:
        params["$expand"] = spec.expand
    if spec.filter:
        params["$filter"] = spec.filter
    if spec.orderby:
        params["$orderby"] = spec.orderby
    query = "&".join(f"{k}={quote(v, safe=',/()$')}" for k, v in params.items())
    response = client.get(f"/sap/opu/odata/sap/{spec.service}/{spec.entity_set}?{query}")
    assert response.status_code == 200, response.text
    items, _, _ = collection(response.json())
    if spec.group:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in items:
            groups.setdefault(tuple(str(item[f]) for f in spec.group), []).append(item)
        return [{"items": members} for members in groups.values()]
    return items


def test_business_partners_become_suppliers_and_customers(client: httpx.Client) -> None:
    partners = read(client, "business_partners")
    records = [r for p in partners for r in to_canonical("business_partners", p, ctx())]
    suppliers = [r for r in records if isinstance(r, Supplier)]
    assert len(suppliers) == sum(1 for p in partners if p["Supplier"])
    assert len(records) - len(suppliers) == sum(1 for p in partners if p["Customer"])
    archived = {p["BusinessPartner"] for p in partners if p["IsMarkedForArchiving"]}
    assert archived
    assert {r.remote_id for r in records if r.remote_deleted} == archived
    with_bank = next(s for s in suppliers if s.bank_accounts)
    assert with_bank.bank_accounts[0].iban is not None
    assert with_bank.email is not None
    assert with_bank.payment_terms_days in (0, 30)
    assert with_bank.remote_updated_at is not None
    assert any(r.custom_fields.get("YY1_LedgerhubRef_bus") for r in records)


def test_supplier_invoices_become_payable_invoices(client: httpx.Client) -> None:
    items = read(client, "supplier_invoices")
    records = {r.remote_id: r for i in items for r in to_canonical("supplier_invoices", i, ctx())}
    reversals = [i for i in items if i["IsReversal"]]
    assert reversals
    assert len(records) == len(items) - len(reversals)
    for item in items:
        rid = f"{item['SupplierInvoice']}/{item['FiscalYear']}"
        if item["IsReversal"]:
            assert rid not in records
            continue
        invoice = records[rid]
        assert isinstance(invoice, Invoice)
        assert invoice.direction == "payable"
        assert invoice.total == Decimal(item["InvoiceGrossAmount"])
        assert invoice.number == item["SupplierInvoiceIDByInvcgParty"]
        if item["IsReversed"]:
            assert (invoice.status, invoice.remote_deleted) == ("voided", True)
        elif item["SupplierInvoiceStatus"] == "A":
            assert invoice.status == "draft"
        else:
            assert invoice.status == "authorised"
        assert invoice.subtotal + invoice.tax_total == invoice.total


def test_billing_documents_become_receivable_invoices(client: httpx.Client) -> None:
    items = read(client, "billing_documents")
    records = [r for i in items for r in to_canonical("billing_documents", i, ctx())]
    cancellations = [i for i in items if i["BillingDocumentType"] == "S1"]
    assert cancellations
    assert len(records) == len(items) - len(cancellations)
    cancelled = {i["CancelledBillingDocument"] for i in cancellations}
    assert {r.remote_id for r in records if r.remote_deleted} == cancelled
    assert any(r.document_type == "credit_note" for r in records)
    paid = [r for r in records if r.status == "paid"]
    assert paid
    assert all(r.amount_due == 0 for r in paid)


def test_payments_allocate_to_the_invoices_they_cleared(client: httpx.Client) -> None:
    groups = read(client, "payments")
    payments = [r for g in groups for r in to_canonical("payments", g, ctx())]
    assert len(payments) == len(groups)
    directions = {p.direction for p in payments}
    assert directions == {"outbound", "inbound"}
    invoices = {
        r.id
        for name in ("supplier_invoices", "billing_documents")
        for i in read(client, name)
        for r in to_canonical(name, i, ctx())
    }
    for payment in payments:
        assert payment.allocations
        assert sum(a.amount for a in payment.allocations) == payment.amount
        assert all(a.invoice_id in invoices for a in payment.allocations)


def test_manual_journal_entries_balance(client: httpx.Client) -> None:
    groups = read(client, "journal_entries")
    entries = [r for g in groups for r in to_canonical("journal_entries", g, ctx())]
    assert len(entries) == 12  # records // 10
    for entry in entries:
        assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)
        assert entry.remote_id.count("/") == 2


def _csrf(client: httpx.Client, service: str) -> dict[str, str]:
    response = client.head(f"/sap/opu/odata/sap/{service}", headers={"x-csrf-token": "fetch"})
    return {"x-csrf-token": response.headers["x-csrf-token"]}


def test_a_supplier_round_trips_through_sap(client: httpx.Client) -> None:
    supplier = Supplier.parse(
        {
            "name": "Round Trip Supplies",
            "email": "ap@round-trip.example",
            "phone": "+44 20 5550 1234",
            "tax_number": "GB980780684",
            "payment_terms_days": 30,
            "addresses": [
                {
                    "kind": "billing",
                    "line1": "Quarry Road",
                    "city": "Northvale",
                    "postal_code": "1234",
                    "country": "GB",
                }
            ],
            "bank_accounts": [
                {
                    "iban": "GB67LHUB20041531926819",
                    "account_name": "Round Trip",
                    "bank_country": "GB",
                }
            ],
        }
    )
    body = supplier_to_sap(supplier, ctx())
    headers = _csrf(client, "API_BUSINESS_PARTNER")
    created = client.post(
        "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner", json=body, headers=headers
    )
    assert created.status_code == 201, created.text
    number = created.json()["d"]["BusinessPartner"]
    spec = SAP_READS["business_partners"]
    back = client.get(
        f"/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner('{number}')",
        params={"$expand": spec.expand},
    ).json()["d"]
    (again,) = to_canonical("business_partners", back, ctx())
    assert isinstance(again, Supplier)
    for field in (
        "name",
        "email",
        "phone",
        "tax_number",
        "payment_terms_days",
        "addresses",
        "bank_accounts",
    ):
        assert getattr(again, field) == getattr(supplier, field), field


def test_a_payable_invoice_round_trips_through_sap(client: httpx.Client) -> None:
    context = ctx()
    invoice = Invoice.parse(
        {
            "direction": "payable",
            "number": "RT-2025-001",
            "party_id": context.ids.hub_id("supplier", "10100001"),
            "issue_date": "2025-11-03",
            "due_date": "2025-12-03",
            "currency": "GBP",
            "lines": [
                {
                    "net_amount": "100.10",
                    "account_code": "61000000",
                    "tax_code": "V1",
                    "tax_amount": "20.02",
                    "description": "Paper",
                    "dimensions": {"cost_center": "10101101"},
                },
                {
                    "net_amount": "50.00",
                    "account_code": "65004000",
                    "tax_code": "V0",
                    "tax_amount": "0.00",
                },
            ],
            "tax_total": "20.02",
            "total": "170.12",
        }
    )
    body = invoice_to_sap(invoice, context, "10100001")
    headers = _csrf(client, "API_SUPPLIERINVOICE_PROCESS_SRV")
    created = client.post(
        "/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice",
        json=body,
        headers=headers,
    )
    assert created.status_code == 201, created.text
    data = created.json()["d"]
    key = f"(SupplierInvoice='{data['SupplierInvoice']}',FiscalYear='{data['FiscalYear']}')"
    back = client.get(
        f"/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice{key}"
        "?$expand=to_SupplierInvoiceItemGLAcct,to_SupplierInvoiceTax"
    ).json()["d"]
    (again,) = to_canonical("supplier_invoices", back, context)
    assert isinstance(again, Invoice)
    assert again.remote_id == f"{data['SupplierInvoice']}/2025"
    for field in (
        "number",
        "party_id",
        "issue_date",
        "due_date",
        "currency",
        "subtotal",
        "tax_total",
        "total",
    ):
        assert getattr(again, field) == getattr(invoice, field), field
    assert [
        (line.net_amount, line.account_code, line.tax_code, line.dimensions) for line in again.lines
    ] == [
        (line.net_amount, line.account_code, line.tax_code, line.dimensions)
        for line in invoice.lines
    ]
    assert again.issue_date == date(2025, 11, 3)


def test_supplier_writes_name_the_field_sap_cannot_take() -> None:
    too_long = Supplier.parse({"name": "A" * 41})
    with pytest.raises(MappingError, match=r"OrganizationBPName1 -> supplier\.name"):
        supplier_to_sap(too_long, ctx())
    long_terms = Supplier.parse({"name": "Slow Payer Supplies", "payment_terms_days": 120})
    with pytest.raises(MappingError, match=r"PaymentTerms -> supplier\.payment_terms_days"):
        supplier_to_sap(long_terms, ctx())
    due_now = Supplier.parse({"name": "Cash Supplies", "payment_terms_days": 0})
    company = supplier_to_sap(due_now, ctx())["to_Supplier"]["to_SupplierCompany"][0]
    assert company == {"CompanyCode": "1010", "PaymentTerms": "0001"}


def test_payable_invoices_only_and_with_a_document_date() -> None:
    context = ctx()
    receivable = Invoice.parse(
        {
            "direction": "receivable",
            "currency": "GBP",
            "issue_date": "2025-01-02",
            "lines": [{"net_amount": "1.00", "account_code": "41000000"}],
        }
    )
    with pytest.raises(MappingError, match=r"invoice\.direction"):
        invoice_to_sap(receivable, context, "10100001")
    undated = Invoice.parse(
        {"direction": "payable", "currency": "GBP", "lines": [{"net_amount": "1.00"}]}
    )
    with pytest.raises(MappingError, match=r"DocumentDate -> invoice\.issue_date"):
        invoice_to_sap(undated, context, "10100001")


@pytest.mark.parametrize(
    ("number", "kind", "balance", "group", "expected"),
    [
        ("11001000", "C", True, "BSHT", "asset"),  # a cash account, whatever its number
        ("21100000", "X", True, "BSHT", "liability"),
        ("31000000", "X", True, "BSHT", "equity"),
        ("61500000", "X", True, "BSHT", "asset"),  # the master says balance sheet: not expense
        ("41000000", "P", False, "PL", "revenue"),
        ("71000000", "N", False, "PL", "expense"),
        ("19000000", "P", False, "PL", "expense"),  # the master says P&L: not an asset
        ("29000000", None, None, None, "liability"),  # nothing said: YCOA's number ranges
        ("21100000", "X", True, "ACCR", "liability"),
        ("33000000", "X", True, "ACCR", "liability"),  # the tenant's group decides
    ],
)
def test_a_gl_account_type_comes_from_the_master_before_the_number(
    number: str, kind: str | None, balance: bool | None, group: str | None, expected: str
) -> None:
    from connectors.sap.models import GLAccount
    from connectors.sap.translate_common import account_groups
    from connectors.sap.translate_ledger import account_type

    account = GLAccount.model_validate(
        {
            "ChartOfAccounts": "YCOA",
            "GLAccount": number,
            "GLAccountType": kind,
            "IsBalanceSheetAccount": balance,
            "GLAccountGroup": group,
        }
    )
    assert account_type(account, account_groups("ACCR=liability, REV=revenue")) == expected


def test_an_unknown_account_type_in_the_account_groups_option_is_refused() -> None:
    from connectors.errors import ValidationError
    from connectors.sap.translate_common import account_groups

    with pytest.raises(ValidationError, match="BS=assets"):
        account_groups("BS=assets")
