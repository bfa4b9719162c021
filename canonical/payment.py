"""Payments, with their allocations to invoices and the remittance that travels with them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field, computed_field

from canonical.base import Breach, CanonicalModel, Doc, Record, reference_breach
from canonical.enums import PaymentDirection, PaymentMethod, PaymentStatus
from canonical.money import exact_arithmetic, format_money
from canonical.types import CurrencyCode, HubId, Money, Str


class Allocation(CanonicalModel):
    """The part of a payment applied to one invoice."""

    invoice_id: HubId | None = Field(None, description="Hub id of the invoice paid.")
    invoice_number: Str | None = Field(None, description="Number of the invoice paid.")
    amount: Money = Field(description="Amount applied to the invoice.")
    discount_amount: Money | None = Field(
        None, description="Early-payment or settlement discount taken on the invoice."
    )
    short_pay_reason: Str | None = Field(None, description="Why less than the amount due was paid.")


class Remittance(CanonicalModel):
    """What the payer tells the payee the payment is for."""

    invoice_numbers: list[str] = Field(
        default_factory=list, description="Numbers of the invoices the payment settles."
    )
    text: Str | None = Field(None, description="Free remittance text.")


class Payment(Record):
    """Money that moved, or is to move, between us and a party, allocated to invoices."""

    OBJECT: ClassVar[str] = "payment"
    PREFIX: ClassVar[str] = "pay"

    direction: PaymentDirection = Field(
        description="outbound: we pay a supplier; inbound: a customer pays us."
    )
    party_id: HubId | None = Field(None, description="Hub id of the supplier or customer.")
    payment_date: date = Field(description="Date of the payment.")
    amount: Money = Field(description="Amount of the payment.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of the payment.")
    method: PaymentMethod | None = Field(None, description="The payment rail.")
    end_to_end_id: Str | None = Field(
        None, description="The one reference carried from approval to the bank statement."
    )
    bank_reference: Str | None = Field(None, description="The rail's own reference.")
    bank_account_code: Str | None = Field(
        None, description="General-ledger code of the bank account paid from or into."
    )
    status: PaymentStatus = Field(PaymentStatus.PENDING, description="Where the payment is.")
    status_reason: Str | None = Field(None, description="Reject or return code and reason.")
    remittance: Remittance | None = Field(None, description="Remittance information.")
    allocations: list[Allocation] = Field(
        default_factory=list, description="How the payment is applied to invoices."
    )

    @computed_field(description="Part of the amount not allocated to any invoice.")  # type: ignore[prop-decorator]
    @property
    def unallocated_amount(self) -> Money:
        """The payment amount less its allocations."""
        with exact_arithmetic():
            return self.amount - sum((a.amount for a in self.allocations), Decimal(0))

    @classmethod
    def invariants(cls, doc: Doc) -> Iterator[Breach]:
        cur = doc.text("currency")
        amount = doc.dec("amount")
        if amount is not None and amount <= 0:
            yield Breach(
                ("amount",), f"payment amount {format_money(amount, cur)} must be positive"
            )
        party = reference_breach(
            ("party_id",), doc.text("party_id"), ("sup", "cus"), "a supplier or customer"
        )
        if party:
            yield party
        allocated: Decimal | None = Decimal(0)
        for i, allocation in enumerate(doc.items("allocations")):
            invoice = reference_breach(
                ("allocations", i, "invoice_id"),
                allocation.text("invoice_id"),
                ("inv",),
                "an invoice",
            )
            if invoice:
                yield invoice
            value = allocation.dec("amount")
            if value is None:
                allocated = None
                continue
            if value <= 0:
                yield Breach(
                    ("allocations", i, "amount"),
                    f"allocation {format_money(value, cur)} must be positive",
                )
            if allocated is not None:
                allocated += value
        if amount is not None and allocated is not None and allocated > amount:
            yield Breach(
                ("allocations",),
                f"allocations total {format_money(allocated, cur)} exceeds the payment "
                f"amount {format_money(amount, cur)}",
            )
