"""Builds new Xero documents (seeded or made by `/_sandbox/changes`) from a `Fake`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from stdnum.gb import vat as gb_vat

from connectors.sandbox.seeding import Fake
from connectors.xero.sandbox.catalog import XeroStore
from connectors.xero.sandbox.shapes import (
    BANK_CODES,
    BASE_CURRENCY,
    EXPENSE_CODES,
    REVENUE_CODES,
    ZERO,
    contact_ref,
    date_fields,
    invoice_ref,
    price_lines,
    q2,
)

__all__ = ["DocumentFactory"]

Doc = dict[str, Any]
_RATES = {"EUR": Decimal("1.160000"), "USD": Decimal("1.270000")}


def gb_vat_number(fake: Fake) -> str:
    """A fictional GB VAT number that passes the mod-97 check (so it validates as a real one)."""
    while True:
        digits = [fake.integer(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(8, 1, -1), strict=True))
        check = -total % 97
        number = "".join(map(str, digits)) + f"{check:02d}"
        if gb_vat.is_valid(number):
            return f"GB{number}"


class DocumentFactory:
    """Knows the organisation's reference data and numbering; makes consistent documents."""

    def __init__(self, store: XeroStore) -> None:
        self.store = store
        self.accounts = {r.doc["Code"]: r.doc for r in store["accounts"].records.values()}
        self.rates: dict[str, Decimal] = {
            r.doc["TaxType"]: r.doc["EffectiveRate"] for r in store["tax_rates"].records.values()
        }
        self.tracking = [r.doc for r in store["tracking_categories"].records.values()]
        # Numbering continues after the highest number already taken (a factory made over a
        # seeded store must never hand out a number a seeded document has).
        self.numbers = {"INV": 0, "SUP": 0, "CN": 0, "SCN": 0, "MJ": 0}
        for collection, field in (
            ("invoices", "InvoiceNumber"),
            ("credit_notes", "CreditNoteNumber"),
        ):
            for record in store[collection].records.values():
                prefix, _, digits = str(record.doc.get(field, "")).partition("-")
                if prefix in self.numbers and digits.isdigit():
                    self.numbers[prefix] = max(self.numbers[prefix], int(digits))
        self.names: set[str] = {r.doc["Name"].lower() for r in store["contacts"].records.values()}

    def next_number(self, prefix: str) -> str:
        """The next document number of a series, e.g. INV-00042."""
        self.numbers[prefix] += 1
        return f"{prefix}-{self.numbers[prefix]:05d}"

    # -- contacts ------------------------------------------------------------------------
    def new_contact(self, fake: Fake, *, role: str, archived: bool = False) -> Doc:
        """A supplier, customer or both; some are people, most companies."""
        person = fake.chance(0.2)
        first, last = fake.person()
        name = Fake.unique(f"{first} {last}" if person else fake.company(), self.names)
        area, number = fake.phone()
        foreign = fake.chance(0.08)
        return {
            "ContactID": fake.uuid(),
            "AccountNumber": f"AC{fake.integer(10000, 99999)}",
            "ContactStatus": "ARCHIVED" if archived else "ACTIVE",
            "Name": name,
            "FirstName": first,
            "LastName": last,
            "EmailAddress": fake.email(f"{first}.{last}"),
            "BankAccountDetails": "",
            "TaxNumber": gb_vat_number(fake) if fake.chance(0.5) else "",
            "Addresses": [
                {
                    "AddressType": "POBOX",
                    "AddressLine1": fake.street(),
                    "City": fake.city(),
                    "Region": "",
                    "PostalCode": fake.postcode(),
                    "Country": "United Kingdom",
                    "AttentionTo": "",
                },
                {
                    "AddressType": "STREET",
                    "City": "",
                    "Region": "",
                    "PostalCode": "",
                    "Country": "",
                    "AttentionTo": "",
                },
            ],
            "Phones": [
                {
                    "PhoneType": "DEFAULT",
                    "PhoneNumber": number,
                    "PhoneAreaCode": area,
                    "PhoneCountryCode": "44",
                },
                {
                    "PhoneType": "DDI",
                    "PhoneNumber": "",
                    "PhoneAreaCode": "",
                    "PhoneCountryCode": "",
                },
                {
                    "PhoneType": "FAX",
                    "PhoneNumber": "",
                    "PhoneAreaCode": "",
                    "PhoneCountryCode": "",
                },
                {
                    "PhoneType": "MOBILE",
                    "PhoneNumber": "",
                    "PhoneAreaCode": "",
                    "PhoneCountryCode": "",
                },
            ],
            "ContactGroups": [],
            "IsSupplier": role in ("supplier", "both"),
            "IsCustomer": role in ("customer", "both"),
            "DefaultCurrency": fake.choice(("EUR", "USD")) if foreign else BASE_CURRENCY,
            "SalesTrackingCategories": [],
            "PurchasesTrackingCategories": [],
            "ContactPersons": [],
            "HasAttachments": False,
            "HasValidationErrors": False,
        }

    # -- lines ---------------------------------------------------------------------------
    def _tracking(self, fake: Fake) -> list[Doc]:
        chosen = []
        for category in self.tracking:
            if fake.chance(0.4):
                option = fake.choice(category["Options"])
                chosen.append(
                    {
                        "Name": category["Name"],
                        "Option": option["Name"],
                        "TrackingCategoryID": category["TrackingCategoryID"],
                        "TrackingOptionID": option["TrackingOptionID"],
                    }
                )
        return chosen

    def _lines(self, fake: Fake, sales: bool, line_amount_types: str) -> list[Doc]:
        lines = []
        for _ in range(fake.integer(1, 3)):
            if line_amount_types == "NoTax":
                tax_type = "NONE"
            elif sales:
                tax_type = "OUTPUT2" if fake.chance(0.85) else "ZERORATEDOUTPUT"
            else:
                tax_type = fake.choice(("INPUT2", "INPUT2", "INPUT2", "RRINPUT", "ZERORATEDINPUT"))
            lines.append(
                {
                    "LineItemID": fake.uuid(),
                    "Description": fake.words(),
                    "Quantity": Decimal(fake.integer(1, 12)),
                    "UnitAmount": fake.money(5, 1500),
                    "AccountCode": fake.choice(REVENUE_CODES if sales else EXPENSE_CODES),
                    "TaxType": tax_type,
                    "Tracking": self._tracking(fake),
                }
            )
        return lines

    def _priced(self, fake: Fake, sales: bool) -> tuple[str, list[Doc], Decimal, Decimal, Decimal]:
        roll = fake.rng.random()
        lat = "Exclusive" if roll < 0.75 else "Inclusive" if roll < 0.93 else "NoTax"
        lines = self._lines(fake, sales, lat)
        return (lat, lines, *price_lines(lines, lat, self.rates))

    def _currency(self, contact: Doc) -> tuple[str, Decimal]:
        code = contact.get("DefaultCurrency", BASE_CURRENCY)
        return code, _RATES.get(code, Decimal("1.000000"))

    # -- documents -----------------------------------------------------------------------
    def new_invoice(self, fake: Fake, kind: str, contact: Doc, day: date, status: str) -> Doc:
        """An ACCPAY bill or ACCREC invoice, priced, unpaid."""
        sales = kind == "ACCREC"
        lat, lines, sub_total, total_tax, total = self._priced(fake, sales)
        currency, rate = self._currency(contact)
        doc: Doc = {
            "Type": kind,
            "InvoiceID": fake.uuid(),
            "InvoiceNumber": self.next_number("INV" if sales else "SUP"),
            "Reference": f"PO-{fake.integer(1000, 9999)}" if fake.chance(0.6) else "",
            "Payments": [],
            "CreditNotes": [],
            "Prepayments": [],
            "Overpayments": [],
            "AmountDue": total if status not in ("VOIDED", "DELETED") else ZERO,
            "AmountPaid": ZERO,
            "AmountCredited": ZERO,
            "CurrencyRate": rate,
            "IsDiscounted": False,
            "HasAttachments": False,
            "HasErrors": False,
            "Contact": contact_ref(contact),
            **date_fields("Date", day),
            **date_fields("DueDate", day + timedelta(days=fake.choice((14, 30, 30, 45)))),
            "Status": status,
            "LineAmountTypes": lat,
            "LineItems": lines,
            "SubTotal": sub_total,
            "TotalTax": total_tax,
            "Total": total,
            "CurrencyCode": currency,
        }
        if sales:
            doc["SentToContact"] = status in ("AUTHORISED", "PAID") and fake.chance(0.7)
        return doc

    def new_payment(
        self, fake: Fake, invoice: Doc, amount: Decimal, day: date, *, status: str = "AUTHORISED"
    ) -> Doc:
        """A payment of `amount` on an invoice (not yet applied to it: see apply_payment)."""
        currency, rate = invoice["CurrencyCode"], invoice["CurrencyRate"]
        code = "092" if currency == "EUR" else fake.choice(BANK_CODES)
        account = self.accounts[code]
        bank_amount = amount if account.get("CurrencyCode") == currency else q2(amount / rate)
        return {
            "PaymentID": fake.uuid(),
            **date_fields("Date", day),
            "BankAmount": bank_amount,
            "Amount": amount,
            "Reference": f"Payment {invoice['InvoiceNumber']}",
            "CurrencyRate": rate,
            "PaymentType": "ACCPAYPAYMENT" if invoice["Type"] == "ACCPAY" else "ACCRECPAYMENT",
            "Status": status,
            "IsReconciled": fake.chance(0.5),
            "HasAccount": True,
            "HasValidationErrors": False,
            "Account": {"AccountID": account["AccountID"], "Code": code},
            "Invoice": invoice_ref(invoice),
        }

    def new_batch(self, fake: Fake, bills: list[Doc], day: date) -> Doc:
        """A PAYBATCH paying each bill in full; its payments are under `_payments`."""
        batch_id = fake.uuid()
        account = self.accounts["090"]
        payments = []
        for bill in bills:
            payment = self.new_payment(fake, bill, bill["AmountDue"], day)
            payment["Account"] = {"AccountID": account["AccountID"], "Code": "090"}
            payment["BankAmount"] = q2(payment["Amount"] / bill["CurrencyRate"])
            payment["BatchPaymentID"] = batch_id
            payment["BatchPayment"] = {"BatchPaymentID": batch_id}
            payments.append(payment)
        return {
            "Account": {"AccountID": account["AccountID"]},
            "Reference": f"Supplier run {day.isoformat()}",
            "BatchPaymentID": batch_id,
            **date_fields("Date", day),
            "Type": "PAYBATCH",
            "Status": "AUTHORISED",
            "TotalAmount": q2(sum((p["BankAmount"] for p in payments), ZERO)),
            "IsReconciled": False,
            "Payments": [
                {"PaymentID": p["PaymentID"], "Amount": p["Amount"], "Invoice": p["Invoice"]}
                for p in payments
            ],
            "_payments": payments,
        }

    def new_credit_note(self, fake: Fake, kind: str, contact: Doc, day: date, status: str) -> Doc:
        """An ACCPAYCREDIT or ACCRECCREDIT credit note with its remaining credit."""
        sales = kind == "ACCRECCREDIT"
        lat, lines, sub_total, total_tax, total = self._priced(fake, sales)
        currency, rate = self._currency(contact)
        return {
            "Type": kind,
            "CreditNoteID": fake.uuid(),
            "CreditNoteNumber": self.next_number("CN" if sales else "SCN"),
            "Reference": "",
            "Contact": contact_ref(contact),
            **date_fields("Date", day),
            "Status": status,
            "LineAmountTypes": lat,
            "LineItems": lines,
            "SubTotal": sub_total,
            "TotalTax": total_tax,
            "Total": total,
            "CurrencyCode": currency,
            "CurrencyRate": rate,
            "RemainingCredit": total if status == "AUTHORISED" else ZERO,
            "Allocations": [],
            "Payments": [],
            "HasAttachments": False,
            "HasErrors": False,
        }

    def new_prepaid(self, fake: Fake, kind: str, receive: bool, contact: Doc, day: date) -> Doc:
        """An overpayment or prepayment (RECEIVE-* from customers, SPEND-* to suppliers)."""
        over = kind == "overpayments"
        amount = fake.money(20, 900)
        lat = "NoTax" if over else "Exclusive"
        code = (
            ("610" if receive else "800")
            if over
            else fake.choice(REVENUE_CODES if receive else EXPENSE_CODES)
        )
        lines: list[Doc] = [
            {
                "Description": fake.words(),
                "Quantity": Decimal(1),
                "UnitAmount": amount,
                "AccountCode": code,
                "TaxType": "NONE",
                "Tracking": [],
            },
        ]
        sub_total, total_tax, total = price_lines(lines, lat, self.rates)
        currency, rate = self._currency(contact)
        word = "OVERPAYMENT" if over else "PREPAYMENT"
        return {
            f"{word.title()}ID": fake.uuid(),
            "Type": f"{'RECEIVE' if receive else 'SPEND'}-{word}",
            "Contact": contact_ref(contact),
            **date_fields("Date", day),
            "Status": "AUTHORISED",
            "LineAmountTypes": lat,
            "LineItems": lines,
            "SubTotal": sub_total,
            "TotalTax": total_tax,
            "Total": total,
            "CurrencyCode": currency,
            "CurrencyRate": rate,
            "RemainingCredit": total,
            "Allocations": [],
            "Payments": [],
            "HasAttachments": False,
            **({} if over else {"Reference": ""}),
        }

    def new_journal(self, fake: Fake, day: date, status: str) -> Doc:
        """A balanced manual journal: debits positive, credits negative."""
        codes = [c for c in self.accounts if not self.accounts[c].get("SystemAccount")]
        debits = [fake.money(10, 2500) for _ in range(fake.integer(1, 3))]
        total = sum(debits, ZERO)
        lines = [(amount, fake.choice(codes)) for amount in debits] + [(-total, fake.choice(codes))]
        return {
            "ManualJournalID": fake.uuid(),
            "Narration": f"{fake.words()} accrual",
            **date_fields("Date", day),
            "LineAmountTypes": "NoTax",
            "Status": status,
            "ShowOnCashBasisReports": True,
            "HasAttachments": False,
            "JournalLines": [
                {
                    "Description": fake.words(),
                    "TaxType": "NONE",
                    "LineAmount": amount,
                    "AccountCode": code,
                    "AccountID": self.accounts[code]["AccountID"],
                    "Tracking": self._tracking(fake),
                    "TaxAmount": ZERO,
                    "IsBlank": False,
                }
                for amount, code in lines
            ],
        }
