"""Invoices: payable bills and receivable invoices, and the credit notes against them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field, StrictInt

from canonical.base import Breach, CanonicalModel, Doc, Record, as_decimal, reference_breach
from canonical.enums import DocumentType, InvoiceDirection, InvoiceStatus, TaxMode
from canonical.money import format_money
from canonical.types import CurrencyCode, CustomValue, DecimalValue, HubId, Money, Str

Dimensions = dict[str, str]
"""Analytic tags by kind: `cost_center`, `project`, `department`, `location`, or a tenant's own."""

STANDARD_DIMENSIONS = ("cost_center", "project", "department", "location")


class InvoiceLine(CanonicalModel):
    """One line of an invoice."""

    line_number: StrictInt | None = Field(None, ge=1, description="Position of the line, from 1.")
    description: Str | None = Field(None, description="What the line is for.")
    quantity: DecimalValue | None = Field(None, description="Number of units.")
    unit_price: DecimalValue | None = Field(None, description="Price of one unit.")
    discount_percent: DecimalValue | None = Field(
        None, ge=0, le=100, description="Discount on the line, in percent."
    )
    net_amount: Money = Field(
        description="Line amount (before tax when tax_mode is exclusive, with tax when inclusive)."
    )
    tax_code: Str | None = Field(None, description="Tax rate code applied to the line.")
    tax_amount: Money | None = Field(None, description="Tax on the line.")
    account_code: Str | None = Field(None, description="General-ledger account code of the line.")
    item_code: Str | None = Field(None, description="Product or service item code.")
    dimensions: Dimensions = Field(
        default_factory=dict,
        description="Analytic tags by kind: cost_center, project, department, location, ...",
    )
    custom_fields: dict[str, CustomValue] = Field(
        default_factory=dict, description="Tenant-defined attributes of the line."
    )


_PARTY_OF = {"payable": ("sup", "a supplier"), "receivable": ("cus", "a customer")}
"""The hub-id prefix and kind of an invoice's party, by direction."""


def _sum(values: list[Decimal | None]) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


class Invoice(Record):
    """A payable bill or a receivable invoice, or a credit note against one.

    Totals may be left out on input: missing `subtotal`, `tax_total`, `total`, `amount_paid` and
    `amount_due` are computed from the lines. Given ones are checked against the contract.
    """

    OBJECT: ClassVar[str] = "invoice"
    PREFIX: ClassVar[str] = "inv"
    GENERATED: ClassVar[frozenset[str]] = frozenset(
        {"id", "subtotal", "tax_total", "total", "amount_paid", "amount_due"}
    )

    direction: InvoiceDirection = Field(
        description="payable: we owe a supplier; receivable: a customer owes us."
    )
    document_type: DocumentType = Field(
        DocumentType.INVOICE, description="An invoice, or a credit note against one."
    )
    number: Str | None = Field(None, description="The invoice number shown on the document.")
    reference: Str | None = Field(None, description="A free reference (the supplier's, or ours).")
    purchase_order_number: Str | None = Field(None, description="The purchase order it bills.")
    party_id: HubId | None = Field(
        None, description="Hub id of the supplier (payable) or customer (receivable)."
    )
    issue_date: date | None = Field(None, description="Date of the invoice.")
    due_date: date | None = Field(None, description="Date payment is due.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of every amount of the invoice.")
    exchange_rate: DecimalValue | None = Field(
        None, gt=0, description="Rate to the organisation's base currency."
    )
    status: InvoiceStatus = Field(
        InvoiceStatus.DRAFT, description="Where the invoice is in its life."
    )
    tax_mode: TaxMode = Field(TaxMode.EXCLUSIVE, description="How line amounts relate to tax.")
    memo: Str | None = Field(None, description="A note on the whole invoice.")
    lines: list[InvoiceLine] = Field(default_factory=list, description="The invoice's lines.")
    subtotal: Money = Field(description="Sum of the lines' net amounts.")
    tax_total: Money = Field(description="Total tax.")
    total: Money = Field(description="Amount of the invoice, tax included.")
    amount_paid: Money = Field(description="Amount paid or credited so far.")
    amount_due: Money = Field(description="Amount still to be paid: total minus amount paid.")

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        data = super().prepare(data)
        lines = [Doc(x) for x in data["lines"]] if isinstance(data.get("lines"), list) else []
        # Unreadable amounts count as zero here: pydantic reports them, and the sums are not
        # checked against such lines, so no second, misleading error comes of it.
        if "subtotal" not in data:
            data["subtotal"] = sum((x.dec("net_amount") or Decimal(0) for x in lines), Decimal(0))
        if "tax_total" not in data:
            taxes = [line.dec("tax_amount") or Decimal(0) for line in lines]
            data["tax_total"] = sum(taxes, Decimal(0))
        sub, tax = as_decimal(data.get("subtotal")), as_decimal(data.get("tax_total"))
        if "total" not in data and sub is not None and tax is not None:
            data["total"] = sub if data.get("tax_mode") == TaxMode.INCLUSIVE else sub + tax
        data.setdefault("amount_paid", Decimal(0))
        total, paid = as_decimal(data.get("total")), as_decimal(data.get("amount_paid"))
        if "amount_due" not in data and total is not None and paid is not None:
            data["amount_due"] = total - paid
        return data

    @classmethod
    def invariants(cls, doc: Doc) -> Iterator[Breach]:
        cur = doc.text("currency")

        def m(value: Decimal) -> str:
            return format_money(value, cur)

        lines = doc.items("lines")
        subtotal, tax, total = doc.dec("subtotal"), doc.dec("tax_total"), doc.dec("total")
        paid, due = doc.dec("amount_paid"), doc.dec("amount_due")
        line_sum = _sum([line.dec("net_amount") for line in lines])
        if subtotal is not None and line_sum is not None and subtotal != line_sum:
            yield Breach(
                ("subtotal",), f"subtotal {m(subtotal)} ≠ sum of line net amounts {m(line_sum)}"
            )
        if subtotal is not None and tax is not None and total is not None:
            if doc.text("tax_mode") == TaxMode.INCLUSIVE:
                if total != subtotal:
                    yield Breach(
                        ("total",),
                        f"total {m(total)} ≠ subtotal {m(subtotal)} (amounts include tax)",
                    )
            elif total != subtotal + tax:
                yield Breach(
                    ("total",), f"total {m(total)} ≠ subtotal {m(subtotal)} + tax {m(tax)}"
                )
        if paid is not None and paid < 0:
            yield Breach(("amount_paid",), f"amount paid {m(paid)} is negative")
        if total is not None and paid is not None and due is not None:
            if due != total - paid:
                yield Breach(
                    ("amount_due",),
                    f"amount due {m(due)} ≠ total {m(total)} − amount paid {m(paid)}",
                )
            elif due < 0:
                yield Breach(
                    ("amount_due",), f"amount due {m(due)} is negative: paid more than the total"
                )
        if doc.text("status") == InvoiceStatus.PAID and due is not None and due != 0:
            yield Breach(("amount_due",), f"a paid invoice has nothing due, but {m(due)} is due")
        direction = doc.text("direction")
        if direction in _PARTY_OF:
            prefix, kind = _PARTY_OF[direction]
            where = f"{kind}, the party of a {direction} invoice"
            breach = reference_breach(("party_id",), doc.text("party_id"), (prefix,), where)
            if breach:
                yield breach
        issued, due_date = doc.day("issue_date"), doc.day("due_date")
        if issued and due_date and due_date < issued:
            yield Breach(("due_date",), f"due date {due_date} is before the issue date {issued}")
        seen: dict[int, int] = {}
        for i, line in enumerate(lines):
            number = line.raw("line_number")
            if isinstance(number, int) and not isinstance(number, bool):
                if number in seen:
                    yield Breach(
                        ("lines", i, "line_number"),
                        f"line number {number} is used twice (also by lines[{seen[number]}])",
                    )
                seen[number] = i
