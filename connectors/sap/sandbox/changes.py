"""`/_sandbox/changes` and `/_sandbox/counts` of the SAP sandbox.

Changes are deterministic for the seed and the number of earlier calls. Objects:
`business_partners` (update: renamed, stamps now; delete: marked for archiving and blocked;
create: a new organisation supplier), `supplier_invoices` (update: a parked invoice posted;
delete: a posted invoice reversed; create: a new posted invoice - SAP keeps no change stamp on
supplier invoices: each change leaves a new document behind instead),
`parked_supplier_invoices` (delete only: a parked invoice deleted outright with its items,
leaving nothing behind - only a key scan notices), `billing_documents` (update: stamp now;
delete: cancelled with an S1 document).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connectors.sandbox.seeding import Fake
from connectors.sap.sandbox.seed import stamp
from connectors.sap.sandbox.services import SERVICE_BY_NAME

if TYPE_CHECKING:
    from connectors.sap.sandbox.state import SapSandboxState

__all__ = ["OBJECTS", "counts", "make_changes"]

BP, SI, BD, JE = (
    "API_BUSINESS_PARTNER",
    "API_SUPPLIERINVOICE_PROCESS_SRV",
    "API_BILLING_DOCUMENT_SRV",
    "API_JOURNALENTRYITEMBASIC_SRV",
)
OBJECTS = (
    "business_partners",
    "supplier_invoices",
    "parked_supplier_invoices",
    "billing_documents",
    "payments",
    "journal_entries",
)


def counts(state: SapSandboxState) -> dict[str, Any]:
    """`{"total": n, ...}` per kind of record, and rows per entity set under `"sets"`.

    Kinds: `accounts`, `cost_centers`, `profit_centers`, `business_partners` (suppliers,
    customers, archived), `supplier_invoices` (posted, parked, reversed, reversals),
    `billing_documents` (by type), `journal_entries` (manual documents, type SA) and `payments`
    (clearing documents, outbound and inbound).
    """
    table = state.store.table
    partners = table(BP, "A_BusinessPartner").rows.values()
    invoices = table(SI, "A_SupplierInvoice").rows.values()
    billing = table(BD, "A_BillingDocument").rows.values()
    items = table(JE, "A_JournalEntryItemBasic").rows.values()
    by_type: dict[str, int] = {}
    for row in billing:
        by_type[row["BillingDocumentType"]] = by_type.get(row["BillingDocumentType"], 0) + 1
    manual = {
        (r["CompanyCode"], r["FiscalYear"], r["AccountingDocument"])
        for r in items
        if r["AccountingDocumentType"] == "SA"
    }
    settled = {
        r["OriginalReferenceDocument"]
        for r in items
        if r["ReferenceDocumentType"] == "RMRP"
        and r["FinancialAccountType"] == "K"
        and r["ClearingJournalEntry"]
    }
    clearing = {
        (r["CompanyCode"], r["FiscalYear"], r["AccountingDocument"], r["AccountingDocumentType"])
        for r in items
        if r["ClearingJournalEntry"] == r["AccountingDocument"]
        and r["FinancialAccountType"] in ("K", "D")
    }
    return {
        "sets": {f"{svc}/{es}": len(t) for (svc, es), t in state.store.tables.items()},
        "accounts": {
            "total": len(
                table("API_GLACCOUNTINCHARTOFACCOUNTS_SRV", "A_GLAccountInChartOfAccounts")
            )
        },
        "cost_centers": {"total": len(table("API_COSTCENTER_SRV", "A_CostCenter"))},
        "profit_centers": {"total": len(table("API_PROFITCENTER_SRV", "A_ProfitCenter"))},
        "business_partners": {
            "total": len(partners),
            "suppliers": sum(1 for r in partners if r["Supplier"]),
            "customers": sum(1 for r in partners if r["Customer"]),
            "archived": sum(1 for r in partners if r["IsMarkedForArchiving"]),
        },
        "supplier_invoices": {
            "total": len(invoices),
            "posted": sum(1 for r in invoices if r["SupplierInvoiceStatus"] == "5"),
            "parked": sum(1 for r in invoices if r["SupplierInvoiceStatus"] == "A"),
            "reversed": sum(1 for r in invoices if r["IsReversed"]),
            "reversals": sum(1 for r in invoices if r["IsReversal"]),
            # Posted, not reversed, and the supplier item of its journal entry cleared.
            "paid": sum(
                1
                for r in invoices
                if r["SupplierInvoiceStatus"] == "5"
                and not r["IsReversed"]
                and not r["IsReversal"]
                and r["SupplierInvoice"] + r["FiscalYear"] in settled
            ),
        },
        "billing_documents": {
            "total": len(billing),
            "by_type": by_type,
            "cancelled": sum(1 for r in billing if r["BillingDocumentIsCancelled"]),
        },
        "journal_entries": {"total": len(manual)},
        "payments": {
            "total": len(clearing),
            "outbound": sum(1 for c in clearing if c[3] == "KZ"),
            "inbound": sum(1 for c in clearing if c[3] == "DZ"),
        },
    }


def _pick(fake: Fake, rows: list[Any], count: int) -> list[Any]:
    chosen: list[Any] = []
    pool = list(rows)
    while pool and len(chosen) < count:
        chosen.append(pool.pop(fake.integer(0, len(pool) - 1)))
    return chosen


def make_changes(
    state: SapSandboxState, obj: str, update: int = 0, delete: int = 0, create: int = 0
) -> dict[str, list[str]]:
    """Apply changes to one object kind; returns the touched ids (keys joined with '/')."""
    if obj not in OBJECTS:
        raise ValueError(f"unknown object {obj!r} (known: {', '.join(OBJECTS)})")
    fake = Fake(state.config.seed, f"sap-changes-{obj}-{state.change_calls}")
    now = state.now()
    day, clock = stamp(now)
    result: dict[str, list[str]] = {"updated": [], "deleted": [], "created": []}
    if obj == "business_partners":
        table = state.store.table(BP, "A_BusinessPartner")
        live = [r for r in table.in_key_order() if not r["IsMarkedForArchiving"]]
        for row in _pick(fake, live, update + delete)[:update]:
            name = f"{row['BusinessPartnerName']} (renamed)"[:81]
            org = row["BusinessPartnerCategory"] == "2"
            table.put(
                {
                    **row,
                    "BusinessPartnerName": name,
                    "BusinessPartnerFullName": name,
                    "OrganizationBPName1": name[:40] if org else row["OrganizationBPName1"],
                    "LastChangeDate": day,
                    "LastChangeTime": clock,
                }
            )
            result["updated"].append(row["BusinessPartner"])
        remaining = [r for r in live if r["BusinessPartner"] not in result["updated"]]
        for row in _pick(fake, remaining, delete):
            table.put(
                {
                    **row,
                    "IsMarkedForArchiving": True,
                    "BusinessPartnerIsBlocked": True,
                    "LastChangeDate": day,
                    "LastChangeTime": clock,
                }
            )
            result["deleted"].append(row["BusinessPartner"])
        svc = SERVICE_BY_NAME[BP]
        for _ in range(create):
            row = state.create(
                svc,
                svc.set_by_name["A_BusinessPartner"],
                {
                    "BusinessPartnerCategory": "2",
                    "OrganizationBPName1": Fake.unique(fake.company(), set())[:40],
                    "to_BusinessPartnerRole": [{"BusinessPartnerRole": "FLVN01"}],
                    "to_Supplier": {
                        "to_SupplierCompany": [{"CompanyCode": "1010", "PaymentTerms": "NT30"}]
                    },
                },
            )
            result["created"].append(row["BusinessPartner"])
    elif obj == "supplier_invoices":
        from connectors.sap.sandbox.writes import FUNCTIONS

        table = state.store.table(SI, "A_SupplierInvoice")
        live = [r for r in table.in_key_order() if not r["IsReversed"] and not r["IsReversal"]]
        parked = [r for r in live if r["SupplierInvoiceStatus"] == "A"]
        if len(parked) < update:
            raise ValueError(f"only {len(parked)} parked supplier invoices are left to post")
        # SAP keeps no change stamp on supplier invoices and does not edit posted ones: an
        # update posts a parked invoice, a delete reverses a posted one (both leave documents).
        for row in _pick(fake, parked, update):
            FUNCTIONS[(SI, "Post")](
                state, {"SupplierInvoice": row["SupplierInvoice"], "FiscalYear": row["FiscalYear"]}
            )
            result["updated"].append(f"{row['SupplierInvoice']}/{row['FiscalYear']}")
        posted = [r for r in live if r["SupplierInvoiceStatus"] == "5"]
        for row in _pick(fake, posted, delete):
            key = (row["SupplierInvoice"], row["FiscalYear"])
            FUNCTIONS[(SI, "Cancel")](state, {"SupplierInvoice": key[0], "FiscalYear": key[1]})
            result["deleted"].append(f"{key[0]}/{key[1]}")
        suppliers = [
            r["Supplier"]
            for r in state.store.table(BP, "A_SupplierCompany").in_key_order()
            if r["CompanyCode"] == "1010" and not r["SupplierIsBlockedForPosting"]
        ]
        svc = SERVICE_BY_NAME[SI]
        for _ in range(create):
            net = fake.money(50, 900)
            tax = (net * Decimal("0.2")).quantize(Decimal("0.01"))
            row = state.create(
                svc,
                svc.set_by_name["A_SupplierInvoice"],
                {
                    "CompanyCode": "1010",
                    "DocumentDate": f"/Date({int(now.timestamp()) * 1000})/",
                    "PostingDate": f"/Date({int(now.timestamp()) * 1000})/",
                    "InvoicingParty": fake.choice(suppliers),
                    "SupplierInvoiceIDByInvcgParty": f"NEW-{fake.integer(10000, 99999)}",
                    "DocumentCurrency": "GBP",
                    "InvoiceGrossAmount": str(net + tax),
                    "DocumentHeaderText": fake.words()[:25],
                    "to_SupplierInvoiceItemGLAcct": [
                        {
                            "GLAccount": "61000000",
                            "SupplierInvoiceItemAmount": str(net),
                            "TaxCode": "V1",
                            "SupplierInvoiceItemText": fake.words(),
                        }
                    ],
                    "to_SupplierInvoiceTax": [{"TaxCode": "V1", "TaxAmount": str(tax)}],
                },
            )
            result["created"].append(f"{row['SupplierInvoice']}/{row['FiscalYear']}")
    elif obj == "parked_supplier_invoices":
        if update or create:
            raise ValueError(f"{obj} can only be deleted (outright, as SAP deletes them)")
        table = state.store.table(SI, "A_SupplierInvoice")
        parked = [r for r in table.in_key_order() if r["SupplierInvoiceStatus"] == "A"]
        if len(parked) < delete:
            raise ValueError(f"only {len(parked)} parked supplier invoices are left to delete")
        for row in _pick(fake, parked, delete):
            key = (row["SupplierInvoice"], row["FiscalYear"])
            for child in ("A_SupplierInvoiceItemGLAcct", "A_SupplierInvoiceTax"):
                items = state.store.table(SI, child)
                for item in items.lookup(("SupplierInvoice", "FiscalYear"), key):
                    items.delete(items.es.key_of(item))
            table.delete(key)
            result["deleted"].append(f"{key[0]}/{key[1]}")
    elif obj in ("payments", "journal_entries"):
        if update or delete:
            raise ValueError(
                f"{obj} can only be created (SAP reverses, it does not edit, documents)"
            )
        maker = _pay if obj == "payments" else _journal
        for _ in range(create):
            result["created"].append(maker(state, fake))
    else:
        table = state.store.table(BD, "A_BillingDocument")
        live = [
            r
            for r in table.in_key_order()
            if r["BillingDocumentType"] in ("F2", "G2") and not r["BillingDocumentIsCancelled"]
        ]
        chosen = _pick(fake, live, update + delete)
        for row in chosen[:update]:
            table.put(
                {
                    **row,
                    "PaymentReference": f"REF{fake.integer(1000, 9999)}",
                    "LastChangeDate": day,
                    "LastChangeDateTime": now,
                }
            )
            result["updated"].append(row["BillingDocument"])
        for row in chosen[update:]:
            number = str(state.next_number("billing_document"))
            table.put(
                {
                    **row,
                    "BillingDocumentIsCancelled": True,
                    "LastChangeDate": day,
                    "LastChangeDateTime": now,
                }
            )
            table.put(
                {
                    **row,
                    "BillingDocument": number,
                    "BillingDocumentType": "S1",
                    "SDDocumentCategory": "N",
                    "CancelledBillingDocument": row["BillingDocument"],
                    "AccountingDocument": number,
                    "DocumentReferenceID": number,
                    "CreationDate": day,
                    "LastChangeDate": day,
                    "LastChangeDateTime": now,
                    "BillingDocumentDate": datetime(now.year, now.month, now.day, tzinfo=UTC),
                }
            )
            result["deleted"].append(row["BillingDocument"])
        if create:
            raise ValueError("billing documents are read-only in the API; create is not supported")
    return result


def _pay(state: SapSandboxState, fake: Fake) -> str:
    """Clear one open supplier invoice item in full with a new outgoing payment (KZ), today."""
    from connectors.sap.sandbox.seed_documents import JournalWriter

    items = state.store.table(JE, "A_JournalEntryItemBasic")
    open_items = [
        r
        for r in items.in_key_order()
        if r["AccountingDocumentType"] == "RE"
        and r["FinancialAccountType"] == "K"
        and not r["ClearingJournalEntry"]
        and not r["IsReversed"]
    ]
    if not open_items:
        raise ValueError("no open supplier invoice is left to pay")
    item = fake.choice(open_items)
    now = state.now()
    clearing = str(state.next_number("payment_out"))
    year = str(now.year)
    amount = -item["AmountInTransactionCurrency"]
    currency = item["TransactionCurrency"]
    journal = JournalWriter(state.store)
    journal.write(
        clearing,
        year,
        "KZ",
        now.date(),
        [
            {
                "account": "21100000",
                "amount": amount,
                "currency": currency,
                "type": "K",
                "supplier": item["Supplier"],
                "text": "Payment",
            },
            {
                "account": "11002000" if currency == "USD" else "11001000",
                "amount": -amount,
                "currency": currency,
            },
        ],
        "Outgoing payment",
        created=now,
    )
    journal.clear(item, clearing, year, now.date())
    own = items.get((item["CompanyCode"], year, clearing, "000001", "0L"))
    assert own is not None
    journal.clear(own, clearing, year, now.date())
    return f"{item['CompanyCode']}/{year}/{clearing}"


def _journal(state: SapSandboxState, fake: Fake) -> str:
    """Post one balanced manual journal entry (SA), today."""
    from connectors.sap.sandbox.seed_documents import JournalWriter

    now = state.now()
    number = str(state.next_number("manual_journal"))
    amount = fake.money(50, 900)
    JournalWriter(state.store).write(
        number,
        str(now.year),
        "SA",
        now.date(),
        [
            {"account": "61001000", "amount": amount, "text": fake.words()},
            {"account": "31000000", "amount": -amount, "text": "Accrual"},
        ],
        f"Accrual {fake.words()}",
        created=now,
    )
    return f"1010/{now.year}/{number}"
