"""Small canonical records for mapping tests."""

from __future__ import annotations

from decimal import Decimal

from canonical import Invoice


def an_invoice() -> Invoice:
    """A valid payable invoice with one line."""
    return Invoice.parse(
        {
            "direction": "payable",
            "number": "B-1",
            "currency": "GBP",
            "issue_date": "2026-01-05",
            "party_id": "sup_01J0000000000000000000000A",
            "lines": [{"description": "Paper", "net_amount": Decimal("100.00")}],
            "subtotal": Decimal("100.00"),
            "tax_total": Decimal("0.00"),
            "total": Decimal("100.00"),
        }
    )
