"""Seeded documents: supplier invoices, billing documents and their journal entries.

Journal entry items are written for every posted document the way S/4HANA's universal journal
holds them: an open item for the supplier (K) or customer (D), G/L and tax lines, and, for
payments, a clearing document (KZ outgoing, DZ incoming) whose number is set as
`ClearingJournalEntry` on the open item it clears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.sandbox.seeding import BASE_DATE, Fake
from connectors.sap.sandbox.config import SapSandboxConfig
from connectors.sap.sandbox.store import Row, Store

__all__ = ["RATES", "JournalWriter", "seed_documents"]

SI, BD, JE = (
    "API_SUPPLIERINVOICE_PROCESS_SRV",
    "API_BILLING_DOCUMENT_SRV",
    "API_JOURNALENTRYITEMBASIC_SRV",
)
# currency -> GBP per unit, for company-code amounts (fixed, fictional)
RATES = {"GBP": Decimal(1), "EUR": Decimal("0.85"), "USD": Decimal("0.79")}
_CENT = Decimal("0.01")
_EXPENSES = ("61000000", "61001000", "61002000", "61003000", "63003000", "65004000", "67000000")
_REVENUES = ("41000000", "41000100")
_COST_CENTERS = ("10101101", "10101201", "10101301", "10101401")
_PROFIT_CENTERS = ("YB101", "YB102", "YB103")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class JournalWriter:
    """Writes journal entry items (ledger 0L, company code currency GBP)."""

    store: Store

    def write(
        self,
        document: str,
        year: str,
        kind: str,
        posting: date,
        lines: list[dict[str, Any]],
        header_text: str = "",
        reference: tuple[str, str] = ("", ""),
        document_reference: str = "",
        company: str = "1010",
        created: datetime | None = None,
    ) -> None:
        """One accounting document; each line: GLAccount, amount (signed), and optionals."""
        table = self.store.table(JE, "A_JournalEntryItemBasic")
        for index, line in enumerate(lines, start=1):
            amount: Decimal = line["amount"]
            currency = line.get("currency", "GBP")
            table.put(
                {
                    "CompanyCode": company,
                    "FiscalYear": year,
                    "AccountingDocument": document,
                    "LedgerGLLineItem": f"{index:06d}",
                    "Ledger": "0L",
                    "AccountingDocumentType": kind,
                    "AccountingDocumentItem": f"{index:03d}",
                    "PostingDate": _midnight(posting),
                    "DocumentDate": _midnight(posting),
                    "AccountingDocumentCreationDate": _midnight(
                        created.date() if created else posting
                    ),
                    "AccountingDocumentHeaderText": header_text[:25],
                    "DocumentItemText": line.get("text", "")[:50],
                    "GLAccount": line["account"],
                    "FinancialAccountType": line.get("type", "S"),
                    "Supplier": line.get("supplier", ""),
                    "Customer": line.get("customer", ""),
                    "DebitCreditCode": "S" if amount >= 0 else "H",
                    "AmountInTransactionCurrency": amount,
                    "TransactionCurrency": currency,
                    "AmountInCompanyCodeCurrency": (amount * RATES[currency]).quantize(_CENT),
                    "CompanyCodeCurrency": "GBP",
                    "TaxCode": line.get("tax_code", ""),
                    "CostCenter": line.get("cost_center", ""),
                    "ProfitCenter": line.get("profit_center", ""),
                    "ReferenceDocumentType": reference[0],
                    "OriginalReferenceDocument": reference[1],
                    "ClearingJournalEntry": "",
                    "ClearingDate": None,
                    "ClearingJournalEntryFiscalYear": "",
                    "IsReversal": False,
                    "IsReversed": False,
                    "ReversalReferenceDocument": "",
                    "DocumentReferenceID": document_reference,
                }
            )

    def open_item(self, document: str, year: str) -> Row:
        """The supplier or customer line of a document (its first item)."""
        row = self.store.table(JE, "A_JournalEntryItemBasic").get(
            ("1010", year, document, "000001", "0L")
        )
        assert row is not None
        return row

    def clear(self, item: Row, clearing: str, year: str, day: date) -> None:
        """Mark an open item cleared by a clearing document."""
        item["ClearingJournalEntry"] = clearing
        item["ClearingDate"] = _midnight(day)
        item["ClearingJournalEntryFiscalYear"] = year
        self.store.table(JE, "A_JournalEntryItemBasic").touch()


def _lines(
    fake: Fake, accounts: tuple[str, ...], tax_codes: tuple[str, str]
) -> list[dict[str, Any]]:
    out = []
    for _ in range(fake.integer(1, 3)):
        out.append(
            {
                "account": fake.choice(accounts),
                "net": fake.money(20, 2500),
                "tax_code": tax_codes[0] if fake.chance(0.85) else tax_codes[1],
                "text": fake.words(),
                "cost_center": fake.choice(_COST_CENTERS) if fake.chance(0.6) else "",
                "profit_center": fake.choice(_PROFIT_CENTERS) if fake.chance(0.5) else "",
                "quantity": Decimal(fake.integer(1, 12)),
            }
        )
    return out


def _tax(net: Decimal, code: str) -> Decimal:
    rate = Decimal(20) if code in ("V1", "A1") else Decimal(0)
    return (net * rate / 100).quantize(_CENT)


def seed_documents(
    store: Store, config: SapSandboxConfig, suppliers: list[str], customers: list[str]
) -> dict[str, int]:
    """Seed invoices, billing documents, payments and manual journals; returns counters."""
    journal = JournalWriter(store)
    counters = {
        "supplier_invoice": 5100000000,
        "accounting_supplier": 5200000000,
        "billing_document": 90000000,
        "payment_out": 1500000000,
        "payment_in": 1400000000,
        "manual_journal": 1000000000,
    }
    fake = Fake(config.seed, "sap-supplier-invoices")
    invoices = store.table(SI, "A_SupplierInvoice")
    gl_table = store.table(SI, "A_SupplierInvoiceItemGLAcct")
    tax_table = store.table(SI, "A_SupplierInvoiceTax")
    payables: list[tuple[Row, str]] = []
    for index in range(config.records // 2):
        counters["supplier_invoice"] += 1
        number = str(counters["supplier_invoice"])
        supplier = fake.choice(suppliers)
        posting = fake.day_between(date(2025, 1, 2), date(2025, 12, 15))
        currency = "GBP" if fake.chance(0.92) else fake.choice(("EUR", "USD"))
        lines = _lines(fake, _EXPENSES, ("V1", "V0"))
        parked = index % 17 == 5
        reversed_ = index % 29 == 11
        by_code: dict[str, list[Decimal]] = {}
        for item, line in enumerate(lines, start=1):
            gl_table.put(
                {
                    "SupplierInvoice": number,
                    "FiscalYear": "2025",
                    "SupplierInvoiceItem": f"{item:04d}",
                    "CompanyCode": "1010",
                    "CostCenter": line["cost_center"],
                    "ProfitCenter": line["profit_center"],
                    "GLAccount": line["account"],
                    "DocumentCurrency": currency,
                    "SupplierInvoiceItemAmount": line["net"],
                    "TaxCode": line["tax_code"],
                    "DebitCreditCode": "S",
                    "SupplierInvoiceItemText": line["text"],
                    "Quantity": line["quantity"],
                    "QuantityUnit": "EA",
                }
            )
            by_code.setdefault(line["tax_code"], []).append(line["net"])
        tax_total = Decimal(0)
        for counter, (code, nets) in enumerate(sorted(by_code.items()), start=1):
            base = sum(nets, Decimal(0))
            amount = _tax(base, code)
            tax_total += amount
            tax_table.put(
                {
                    "SupplierInvoice": number,
                    "FiscalYear": "2025",
                    "TaxCode": code,
                    "SupplierInvoiceTaxCounter": f"{counter:06d}",
                    "DocumentCurrency": currency,
                    "TaxAmount": amount,
                    "TaxBaseAmountInTransCrcy": base,
                    "TaxCountry": "GB",
                }
            )
        net = sum((line["net"] for line in lines), Decimal(0))
        gross = net + tax_total
        reference = f"INV-{fake.integer(1000, 99999)}-{index}"
        row = invoices.put(
            {
                "SupplierInvoice": number,
                "FiscalYear": "2025",
                "CompanyCode": "1010",
                "DocumentDate": _midnight(posting - timedelta(days=fake.integer(0, 5))),
                "PostingDate": _midnight(posting),
                "CreationDate": _midnight(posting),
                "SupplierInvoiceIDByInvcgParty": reference,
                "InvoicingParty": supplier,
                "DocumentCurrency": currency,
                "InvoiceGrossAmount": gross,
                "DocumentHeaderText": lines[0]["text"][:25],
                "PaymentTerms": "NT30",
                "DueCalculationBaseDate": _midnight(posting),
                "NetPaymentDays": Decimal(30),
                "PaymentBlockingReason": "",
                "AccountingDocumentType": "RE",
                "SupplierInvoiceStatus": "A" if parked else "5",
                "TaxIsCalculatedAutomatically": False,
                "SupplierInvoiceIsCreditMemo": "",
                "SupplierInvoiceOrigin": "",
                "ReverseDocument": "",
                "ReverseDocumentFiscalYear": "",
                "IsReversal": False,
                "IsReversed": False,
                "YY1_LedgerhubRef_MIH": f"PO-{index:05d}" if index % 7 == 0 else "",
            }
        )
        if parked:
            continue
        counters["accounting_supplier"] += 1
        document = str(counters["accounting_supplier"])
        je_lines: list[dict[str, Any]] = [
            {
                "account": "21100000",
                "amount": -gross,
                "currency": currency,
                "type": "K",
                "supplier": supplier,
                "text": reference,
            }
        ]
        je_lines += [
            {
                "account": line["account"],
                "amount": line["net"],
                "currency": currency,
                "tax_code": line["tax_code"],
                "text": line["text"],
                "cost_center": line["cost_center"],
                "profit_center": line["profit_center"],
            }
            for line in lines
        ]
        if tax_total:
            je_lines.append(
                {"account": "15400000", "amount": tax_total, "currency": currency, "tax_code": "V1"}
            )
        journal.write(
            document,
            "2025",
            "RE",
            posting,
            je_lines,
            lines[0]["text"],
            ("RMRP", number + "2025"),
            reference,
        )
        if reversed_:
            counters["supplier_invoice"] += 1
            reversal = str(counters["supplier_invoice"])
            invoices.put(
                {
                    **row,
                    "SupplierInvoice": reversal,
                    "IsReversal": True,
                    "ReverseDocument": number,
                    "ReverseDocumentFiscalYear": "2025",
                    "SupplierInvoiceIDByInvcgParty": reference,
                    "YY1_LedgerhubRef_MIH": "",
                }
            )
            row["IsReversed"], row["ReverseDocument"], row["ReverseDocumentFiscalYear"] = (
                True,
                reversal,
                "2025",
            )
            invoices.touch()
            continue
        payables.append((row, document))
    # Payments: about half of the posted, unreversed supplier invoices are cleared in full.
    pay = Fake(config.seed, "sap-payments")
    for row, document in payables:
        if not pay.chance(0.5):
            continue
        counters["payment_out"] += 1
        clearing = str(counters["payment_out"])
        posting = row["PostingDate"].date() + timedelta(days=pay.integer(3, 40))
        if posting >= BASE_DATE.date():
            posting = BASE_DATE.date() - timedelta(days=1)
        currency, gross, supplier = (
            row["DocumentCurrency"],
            row["InvoiceGrossAmount"],
            row["InvoicingParty"],
        )
        bank = "11002000" if currency == "USD" else "11001000"
        journal.write(
            clearing,
            "2025",
            "KZ",
            posting,
            [
                {
                    "account": "21100000",
                    "amount": gross,
                    "currency": currency,
                    "type": "K",
                    "supplier": supplier,
                    "text": f"Payment {row['SupplierInvoiceIDByInvcgParty']}",
                },
                {"account": bank, "amount": -gross, "currency": currency},
            ],
            "Outgoing payment",
        )
        journal.clear(journal.open_item(document, "2025"), clearing, "2025", posting)
        journal.clear(journal.open_item(clearing, "2025"), clearing, "2025", posting)
    counters.update(_billing(store, config, customers, journal, counters))
    _manual(store, config, journal, counters)
    return counters


def _billing(
    store: Store,
    config: SapSandboxConfig,
    customers: list[str],
    journal: JournalWriter,
    counters: dict[str, int],
) -> dict[str, int]:
    fake = Fake(config.seed, "sap-billing")
    pay = Fake(config.seed, "sap-receipts")
    docs = store.table(BD, "A_BillingDocument")
    items = store.table(BD, "A_BillingDocumentItem")
    for index in range(config.records - config.records // 2):
        counters["billing_document"] += 1
        number = str(counters["billing_document"])
        customer = fake.choice(customers)
        day = fake.day_between(date(2025, 1, 2), date(2025, 12, 15))
        credit = index % 12 == 7
        currency = "GBP" if fake.chance(0.92) else fake.choice(("EUR", "USD"))
        lines = _lines(fake, _REVENUES, ("A1", "A0"))
        net = tax = Decimal(0)
        for item, line in enumerate(lines, start=1):
            line_tax = _tax(line["net"], line["tax_code"])
            net, tax = net + line["net"], tax + line_tax
            items.put(
                {
                    "BillingDocument": number,
                    "BillingDocumentItem": f"{item * 10:06d}",
                    "Material": f"MAT-{fake.integer(100, 999)}",
                    "BillingDocumentItemText": line["text"],
                    "BillingQuantity": line["quantity"],
                    "BillingQuantityUnit": "EA",
                    "NetAmount": line["net"],
                    "TransactionCurrency": currency,
                    "GrossAmount": line["net"] + line_tax,
                    "TaxAmount": line_tax,
                    "ProfitCenter": line["profit_center"],
                    "CostCenter": "",
                    "TaxCode": line["tax_code"],
                    "GLAccount": line["account"],
                }
            )
        changed = fake.moment_between(_midnight(day), BASE_DATE - timedelta(hours=1))
        cancelled = index % 25 == 13
        row = docs.put(
            {
                "BillingDocument": number,
                "SDDocumentCategory": "O" if credit else "M",
                "BillingDocumentCategory": "L",
                "BillingDocumentType": "G2" if credit else "F2",
                "CreationDate": _midnight(day),
                "LastChangeDate": _midnight(changed.date()),
                "LastChangeDateTime": changed,
                "SalesOrganization": "1010",
                "BillingDocumentDate": _midnight(day),
                "BillingDocumentIsCancelled": cancelled,
                "CancelledBillingDocument": "",
                "TotalNetAmount": net,
                "TransactionCurrency": currency,
                "TaxAmount": tax,
                "TotalGrossAmount": net + tax,
                "CustomerPaymentTerms": "NT30",
                "PaymentReference": "",
                "CompanyCode": "1010",
                "FiscalYear": "2025",
                "AccountingDocument": number,
                "DocumentReferenceID": number,
                "SoldToParty": customer,
                "PayerParty": customer,
                "PurchaseOrderByCustomer": f"PO{fake.integer(10000, 99999)}"
                if fake.chance(0.4)
                else "",
                "OverallBillingStatus": "C",
                "AccountingPostingStatus": "C",
                "InvoiceClearingStatus": "A",
                "YY1_LedgerhubRef_BDH": f"SO-{index:05d}" if index % 9 == 0 else "",
            }
        )
        sign = Decimal(-1) if credit else Decimal(1)
        je = [
            {
                "account": "12100000",
                "amount": sign * (net + tax),
                "currency": currency,
                "type": "D",
                "customer": customer,
            }
        ]
        je += [
            {
                "account": line["account"],
                "amount": -sign * line["net"],
                "currency": currency,
                "tax_code": line["tax_code"],
                "profit_center": line["profit_center"],
                "text": line["text"],
            }
            for line in lines
        ]
        if tax:
            je.append(
                {
                    "account": "22000000",
                    "amount": -sign * tax,
                    "currency": currency,
                    "tax_code": "A1",
                }
            )
        journal.write(number, "2025", "RV", day, je, "Billing", ("VBRK", number), number)
        if cancelled:
            counters["billing_document"] += 1
            cancel = str(counters["billing_document"])
            docs.put(
                {
                    **row,
                    "BillingDocument": cancel,
                    "BillingDocumentType": "S1",
                    "SDDocumentCategory": "N",
                    "BillingDocumentIsCancelled": False,
                    "CancelledBillingDocument": number,
                    "AccountingDocument": cancel,
                    "DocumentReferenceID": cancel,
                    "YY1_LedgerhubRef_BDH": "",
                }
            )
            continue
        if not credit and pay.chance(0.5):
            counters["payment_in"] += 1
            clearing = str(counters["payment_in"])
            posting = min(
                day + timedelta(days=pay.integer(3, 40)), BASE_DATE.date() - timedelta(days=1)
            )
            journal.write(
                clearing,
                "2025",
                "DZ",
                posting,
                [
                    {
                        "account": "12100000",
                        "amount": -(net + tax),
                        "currency": currency,
                        "type": "D",
                        "customer": customer,
                        "text": f"Receipt {number}",
                    },
                    {
                        "account": "11002000" if currency == "USD" else "11001000",
                        "amount": net + tax,
                        "currency": currency,
                    },
                ],
                "Incoming payment",
            )
            journal.clear(journal.open_item(number, "2025"), clearing, "2025", posting)
            journal.clear(journal.open_item(clearing, "2025"), clearing, "2025", posting)
            row["InvoiceClearingStatus"] = "C"
            docs.touch()
    return counters


def _manual(
    store: Store, config: SapSandboxConfig, journal: JournalWriter, counters: dict[str, int]
) -> None:
    fake = Fake(config.seed, "sap-manual-journals")
    accounts = ("61000000", "61001000", "63003000", "33000000", "31000000", "65004000")
    for _ in range(config.records // 10):
        counters["manual_journal"] += 1
        number = str(counters["manual_journal"])
        day = fake.day_between(date(2025, 1, 2), date(2025, 12, 15))
        debits = [fake.money(50, 3000) for _ in range(fake.integer(1, 3))]
        lines = [
            {
                "account": fake.choice(accounts[:3]),
                "amount": amount,
                "text": fake.words(),
                "cost_center": fake.choice(_COST_CENTERS) if fake.chance(0.5) else "",
            }
            for amount in debits
        ]
        lines.append(
            {
                "account": fake.choice(accounts[3:]),
                "amount": -sum(debits, Decimal(0)),
                "text": "Accrual",
            }
        )
        journal.write(number, "2025", "SA", day, lines, f"Accrual {fake.words()}")
