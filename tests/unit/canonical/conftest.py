"""Valid documents of each object, fresh for every test, and a helper that collects violations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from canonical import CanonicalValidationError, Record

SUPPLIER_ID = "sup_01K94FSMR0DEQWY9A6YFCBV9CE"
CUSTOMER_ID = "cus_01K94FSMR0DEQWY9A6YFCBV9CF"
INVOICE_ID = "inv_01KN6N0HT0AFBME15XYB5X0SRN"
OTHER_INVOICE_ID = "inv_01KJYQ1780SZED3X4JFNMMRCYB"


@pytest.fixture
def errors() -> Callable[[type[Record], Mapping[str, Any]], dict[str, str]]:
    """Parse a document that must fail; return its violations as {path: reason}.

    Two violations on one path are joined with " | " so that none is lost.
    """

    def collect(model: type[Record], data: Mapping[str, Any]) -> dict[str, str]:
        with pytest.raises(CanonicalValidationError) as info:
            model.parse(data)
        found: dict[str, str] = {}
        for v in info.value.violations:
            found[v.path] = f"{found[v.path]} | {v.reason}" if v.path in found else v.reason
        return found

    return collect


@pytest.fixture
def supplier_data() -> dict[str, Any]:
    """A valid German supplier with an address, a bank account and a VAT number."""
    return {
        "id": SUPPLIER_ID,
        "name": "Nordwind Cloud Services",
        "tax_number": "DE136695976",
        "currency": "EUR",
        "addresses": [{"kind": "billing", "city": "Berlin", "country": "DE"}],
        "bank_accounts": [
            {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "bank_country": "DE"}
        ],
    }


@pytest.fixture
def invoice_data() -> dict[str, Any]:
    """A valid payable USD invoice of three lines: 100.00 + 50.00 + 25.50, tax 17.55."""
    return {
        "direction": "payable",
        "party_id": SUPPLIER_ID,
        "currency": "USD",
        "issue_date": "2026-03-01",
        "due_date": "2026-03-31",
        "status": "authorised",
        "lines": [
            {"line_number": 1, "net_amount": "100.00", "tax_amount": "10.00"},
            {"line_number": 2, "net_amount": "50.00", "tax_amount": "5.00"},
            {"line_number": 3, "net_amount": "25.50", "tax_amount": "2.55"},
        ],
        "subtotal": "175.50",
        "tax_total": "17.55",
        "total": "193.05",
        "amount_paid": "0.00",
        "amount_due": "193.05",
    }


@pytest.fixture
def payment_data() -> dict[str, Any]:
    """A valid outbound payment of 100.00 with allocations of 60.00 and 30.00."""
    return {
        "direction": "outbound",
        "party_id": SUPPLIER_ID,
        "payment_date": "2026-04-15",
        "amount": "100.00",
        "currency": "USD",
        "allocations": [
            {"invoice_id": INVOICE_ID, "amount": "60.00"},
            {"invoice_id": OTHER_INVOICE_ID, "amount": "30.00"},
        ],
    }


@pytest.fixture
def journal_data() -> dict[str, Any]:
    """A valid balanced journal entry: debits 70.00 + 30.00, credit 100.00."""
    return {
        "posting_date": "2026-03-31",
        "currency": "USD",
        "lines": [
            {"account_code": "6200", "debit": "70.00"},
            {"account_code": "6210", "debit": "30.00"},
            {"account_code": "1740", "credit": "100.00"},
        ],
    }
