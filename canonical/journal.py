"""Journal entries: balanced debits and credits posted to the general ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from canonical.base import Breach, CanonicalModel, Doc, Record, reference_breach
from canonical.enums import JournalStatus
from canonical.invoice import Dimensions
from canonical.money import format_money
from canonical.types import CurrencyCode, HubId, Money, Str, Text


class JournalLine(CanonicalModel):
    """One debit or credit of a journal entry."""

    account_code: Text = Field(description="General-ledger account code.")
    description: Str | None = Field(None, description="What the line records.")
    debit: Money = Field(Decimal(0), description="Debit amount (zero on a credit line).")
    credit: Money = Field(Decimal(0), description="Credit amount (zero on a debit line).")
    tax_code: Str | None = Field(None, description="Tax rate code of the line.")
    dimensions: Dimensions = Field(
        default_factory=dict, description="Analytic tags by kind: cost_center, project, ..."
    )
    party_id: HubId | None = Field(None, description="Hub id of a supplier or customer concerned.")


class JournalEntry(Record):
    """A manual journal entry; its debits equal its credits."""

    OBJECT: ClassVar[str] = "journal_entry"
    PREFIX: ClassVar[str] = "jnl"

    number: Str | None = Field(None, description="Journal number.")
    reference: Str | None = Field(None, description="A free reference.")
    posting_date: date = Field(description="Date the entry posts to the ledger.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of the amounts.")
    memo: Str | None = Field(None, description="Narration of the entry.")
    status: JournalStatus = Field(JournalStatus.DRAFT, description="Whether the entry is posted.")
    lines: list[JournalLine] = Field(description="Debit and credit lines, at least two.")

    @classmethod
    def invariants(cls, doc: Doc) -> Iterator[Breach]:
        cur = doc.text("currency")
        lines = doc.items("lines")
        if isinstance(doc.raw("lines"), list | tuple) and len(lines) < 2:
            yield Breach(
                ("lines",), f"a journal entry needs at least two lines, it has {len(lines)}"
            )
        debits: Decimal | None = Decimal(0)
        credits: Decimal | None = Decimal(0)
        for i, line in enumerate(lines):
            party = reference_breach(
                ("lines", i, "party_id"),
                line.text("party_id"),
                ("sup", "cus"),
                "a supplier or customer",
            )
            if party:
                yield party
            debit = line.dec("debit") if line.raw("debit") is not None else Decimal(0)
            credit = line.dec("credit") if line.raw("credit") is not None else Decimal(0)
            if debit is None or credit is None:
                debits = credits = None
                continue
            if debit < 0 or credit < 0:
                yield Breach(("lines", i), "debit and credit cannot be negative")
            elif (debit > 0) == (credit > 0):
                both = "both debit and credit" if debit > 0 else "neither debit nor credit"
                yield Breach(
                    ("lines", i),
                    f"a line has exactly one of debit or credit positive; this one has {both}",
                )
            if debits is not None and credits is not None:
                debits += debit
                credits += credit
        if debits is not None and credits is not None and debits != credits:
            yield Breach(
                ("lines",),
                f"debits {format_money(debits, cur)} ≠ credits {format_money(credits, cur)}",
            )
