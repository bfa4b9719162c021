"""Xero document shapes: reference data and builders shared by the seeder and the writes.

Field names, enums and layout follow Xero's OpenAPI description (`xero_accounting.yaml`):
amounts are Decimal (2 places; Quantity 4, CurrencyRate 6), dates are Microsoft JSON dates with
a `DateString` beside them where Xero has one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.xero.wire import format_ms_datetime as ms_date

__all__ = [
    "ACCOUNTS",
    "BASE_CURRENCY",
    "CURRENCIES",
    "TAX_RATES",
    "TRACKING",
    "apply_payment",
    "contact_ref",
    "date_fields",
    "invoice_ref",
    "price_lines",
    "q2",
    "unapply_payment",
]

Doc = dict[str, Any]
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BASE_CURRENCY = "GBP"

# Chart of accounts rows: code, name, type, tax type, bank number, currency, system account.
ACCOUNTS: tuple[tuple[str, str, str, str, str | None, str | None, str | None], ...] = (
    ("090", "Business Current Account", "BANK", "NONE", "20-00-00 12345678", None, None),
    ("091", "Business Savings Account", "BANK", "NONE", "20-00-00 87654321", None, None),
    ("092", "Euro Account", "BANK", "NONE", "GB00LHUB00000012345678", "EUR", None),
    ("200", "Sales", "REVENUE", "OUTPUT2", None, None, None),
    ("260", "Other Revenue", "REVENUE", "OUTPUT2", None, None, None),
    ("270", "Interest Income", "OTHERINCOME", "NONE", None, None, None),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", None, None, None),
    ("400", "Advertising", "OVERHEADS", "INPUT2", None, None, None),
    ("404", "Bank Fees", "OVERHEADS", "NONE", None, None, None),
    ("408", "Cleaning", "OVERHEADS", "INPUT2", None, None, None),
    ("412", "Consulting & Accounting", "EXPENSE", "INPUT2", None, None, None),
    ("420", "Entertainment", "OVERHEADS", "NONE", None, None, None),
    ("429", "General Expenses", "OVERHEADS", "INPUT2", None, None, None),
    ("433", "Insurance", "OVERHEADS", "EXEMPTINPUT", None, None, None),
    ("445", "Light, Power, Heating", "OVERHEADS", "INPUT2", None, None, None),
    ("461", "Printing & Stationery", "OVERHEADS", "INPUT2", None, None, None),
    ("469", "Rent", "OVERHEADS", "INPUT2", None, None, None),
    ("473", "Repairs and Maintenance", "OVERHEADS", "INPUT2", None, None, None),
    ("489", "Telephone & Internet", "OVERHEADS", "INPUT2", None, None, None),
    ("493", "Travel - National", "OVERHEADS", "INPUT2", None, None, None),
    ("610", "Accounts Receivable", "CURRENT", "NONE", None, None, "DEBTORS"),
    ("710", "Office Equipment", "FIXED", "INPUT2", None, None, None),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", None, None, "CREDITORS"),
    ("820", "VAT", "CURRLIAB", "NONE", None, None, "GST"),
    ("960", "Retained Earnings", "EQUITY", "NONE", None, None, "RETAINEDEARNINGS"),
    ("970", "Owner Funds Introduced", "EQUITY", "NONE", None, None, None),
)
ACCOUNT_CLASS = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "REVENUE": "REVENUE",
    "OTHERINCOME": "REVENUE",
    "DIRECTCOSTS": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "CURRLIAB": "LIABILITY",
    "EQUITY": "EQUITY",
}
REVENUE_CODES = ("200", "260")
EXPENSE_CODES = ("310", "400", "408", "412", "429", "445", "461", "469", "473", "489", "493")
BANK_CODES = ("090", "091")

# (TaxType, Name, rate %, ReportTaxType, revenue?, expenses?)
TAX_RATES: tuple[tuple[str, str, Decimal, str, bool, bool], ...] = (
    ("OUTPUT2", "20% (VAT on Income)", Decimal("20.0000"), "OUTPUT", True, False),
    ("INPUT2", "20% (VAT on Expenses)", Decimal("20.0000"), "INPUT", False, True),
    ("RRINPUT", "5% (VAT on Expenses)", Decimal("5.0000"), "INPUT", False, True),
    ("ZERORATEDOUTPUT", "Zero Rated Income", Decimal("0.0000"), "OUTPUT", True, False),
    ("ZERORATEDINPUT", "Zero Rated Expenses", Decimal("0.0000"), "INPUT", False, True),
    ("EXEMPTINPUT", "Exempt Expenses", Decimal("0.0000"), "EXEMPTINPUT", False, True),
    ("NONE", "No VAT", Decimal("0.0000"), "NONE", True, True),
)
CURRENCIES = (("GBP", "British Pound"), ("EUR", "Euro"), ("USD", "United States Dollar"))
TRACKING = (
    ("Region", ("North", "South", "East", "West")),
    ("Department", ("Sales", "Operations", "Administration", "Research")),
)


def q2(value: Decimal) -> Decimal:
    """Round half up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def date_fields(prefix: str, day: date | datetime) -> Doc:
    """`{prefix}String` and `{prefix}` as Xero writes a date (midnight UTC)."""
    moment = day if isinstance(day, datetime) else datetime.combine(day, time(), tzinfo=UTC)
    return {f"{prefix}String": moment.strftime("%Y-%m-%dT%H:%M:%S"), prefix: ms_date(moment)}


def contact_ref(contact: Doc) -> Doc:
    """The contact as embedded in documents."""
    return {
        "ContactID": contact["ContactID"],
        "Name": contact["Name"],
        "ContactPersons": [],
        "HasValidationErrors": False,
    }


def invoice_ref(invoice: Doc) -> Doc:
    """The invoice as embedded in a payment."""
    return {
        "Type": invoice["Type"],
        "InvoiceID": invoice["InvoiceID"],
        "InvoiceNumber": invoice.get("InvoiceNumber", ""),
        "Contact": contact_ref(invoice["Contact"]) if "Name" in invoice["Contact"] else {},
        "CurrencyCode": invoice["CurrencyCode"],
        "Payments": [],
        "CreditNotes": [],
        "Prepayments": [],
        "Overpayments": [],
        "HasErrors": False,
        "IsDiscounted": False,
        "LineItems": [],
    }


def price_lines(
    lines: list[Doc], line_amount_types: str, rates: dict[str, Decimal]
) -> tuple[Decimal, Decimal, Decimal]:
    """Fill LineAmount and TaxAmount of each line; returns (SubTotal, TotalTax, Total)."""
    sub_total = total_tax = ZERO
    for line in lines:
        quantity = Decimal(str(line.get("Quantity", 1))).quantize(Decimal("0.0001"))
        if line.get("UnitAmount") is not None:
            unit = q2(Decimal(str(line["UnitAmount"])))
            amount = q2(quantity * unit)
            line["UnitAmount"] = unit
        else:
            amount = q2(Decimal(str(line.get("LineAmount", 0))))
            line["UnitAmount"] = q2(amount / quantity) if quantity else amount
        line["Quantity"] = quantity
        rate = rates.get(line.get("TaxType", "NONE"), ZERO) / 100
        if line_amount_types == "NoTax":
            tax = ZERO
            line["TaxType"] = line.get("TaxType", "NONE")
            net = amount
        elif line_amount_types == "Inclusive":
            tax = q2(amount - amount / (1 + rate))
            net = amount - tax
        else:
            tax = q2(amount * rate)
            net = amount
        line["LineAmount"] = amount
        line["TaxAmount"] = tax
        sub_total += net
        total_tax += tax
    return q2(sub_total), q2(total_tax), q2(sub_total + total_tax)


def apply_payment(invoice: Doc, payment: Doc) -> None:
    """Allocate a payment to an invoice: AmountPaid, AmountDue, Payments and PAID status."""
    amount = payment["Amount"]
    invoice["AmountPaid"] = q2(invoice["AmountPaid"] + amount)
    invoice["AmountDue"] = q2(invoice["AmountDue"] - amount)
    invoice["Payments"].append(
        {
            "PaymentID": payment["PaymentID"],
            "Date": payment["Date"],
            "Amount": amount,
            "Reference": payment.get("Reference", ""),
            "CurrencyRate": payment["CurrencyRate"],
            "HasAccount": False,
            "HasValidationErrors": False,
        }
    )
    if invoice["AmountDue"] <= 0:
        invoice["Status"] = "PAID"
        invoice["FullyPaidOnDate"] = payment["Date"]


def unapply_payment(invoice: Doc, payment: Doc) -> None:
    """Undo `apply_payment` (the payment was deleted)."""
    amount = payment["Amount"]
    invoice["AmountPaid"] = q2(invoice["AmountPaid"] - amount)
    invoice["AmountDue"] = q2(invoice["AmountDue"] + amount)
    invoice["Payments"] = [p for p in invoice["Payments"] if p["PaymentID"] != payment["PaymentID"]]
    if invoice["Status"] == "PAID" and invoice["AmountDue"] > 0:
        invoice["Status"] = "AUTHORISED"
        invoice.pop("FullyPaidOnDate", None)
