"""Invoice rules of canonical-v1: totals, dates, status, lines, party, each with its path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from canonical import DocumentType, Invoice, InvoiceStatus, Record, TaxMode

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]
SUPPLIER_ID = "sup_01K94FSMR0DEQWY9A6YFCBV9CE"
CUSTOMER_ID = "cus_01K94FSMR0DEQWY9A6YFCBV9CF"


def test_valid_invoice_parses_with_exact_amounts(invoice_data: dict[str, Any]) -> None:
    invoice = Invoice.parse(invoice_data)
    assert invoice.total == Decimal("193.05")
    assert invoice.lines[2].net_amount == Decimal("25.50")
    assert invoice.status is InvoiceStatus.AUTHORISED
    assert invoice.document_type is DocumentType.INVOICE
    assert invoice.id.startswith("inv_")


def test_totals_left_out_are_derived_from_the_lines(invoice_data: dict[str, Any]) -> None:
    for key in ("subtotal", "tax_total", "total", "amount_paid", "amount_due"):
        del invoice_data[key]
    invoice = Invoice.parse(invoice_data)
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("175.50"),
        Decimal("17.55"),
        Decimal("193.05"),
    )
    assert invoice.amount_paid == 0
    assert invoice.amount_due == Decimal("193.05")


def test_derived_total_of_an_inclusive_invoice_is_the_subtotal(
    invoice_data: dict[str, Any],
) -> None:
    for key in ("subtotal", "tax_total", "total", "amount_paid", "amount_due"):
        del invoice_data[key]
    invoice = Invoice.parse({**invoice_data, "tax_mode": "inclusive"})
    assert invoice.tax_mode is TaxMode.INCLUSIVE
    assert invoice.total == invoice.subtotal == Decimal("175.50")


def test_derived_amount_due_subtracts_the_amount_paid(invoice_data: dict[str, Any]) -> None:
    del invoice_data["amount_due"]
    invoice = Invoice.parse({**invoice_data, "amount_paid": "93.05", "status": "partially_paid"})
    assert invoice.amount_due == Decimal("100.00")


def test_subtotal_must_equal_the_sum_of_line_net_amounts(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data.update(subtotal="175.00", total="192.55", amount_due="192.55")
    assert errors(Invoice, invoice_data) == {
        "invoice.subtotal": "subtotal 175.00 ≠ sum of line net amounts 175.50"
    }


def test_total_must_be_subtotal_plus_tax(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data["lines"] = [{"net_amount": "100.00", "tax_amount": "9.00"}]
    invoice_data.update(subtotal="100.00", tax_total="9.00", total="110.00", amount_due="110.00")
    assert errors(Invoice, invoice_data) == {
        "invoice.total": "total 110.00 ≠ subtotal 100.00 + tax 9.00"
    }


def test_no_tax_invoice_total_is_also_subtotal_plus_tax(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data.update(tax_mode="no_tax", total="175.50", amount_due="175.50")
    assert errors(Invoice, invoice_data) == {
        "invoice.total": "total 175.50 ≠ subtotal 175.50 + tax 17.55"
    }


def test_inclusive_invoice_total_equals_the_subtotal(invoice_data: dict[str, Any]) -> None:
    invoice_data.update(tax_mode="inclusive", total="175.50", amount_due="175.50")
    assert Invoice.parse(invoice_data).total == Decimal("175.50")


def test_inclusive_invoice_with_tax_added_on_top_is_refused(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data["tax_mode"] = "inclusive"
    assert errors(Invoice, invoice_data) == {
        "invoice.total": "total 193.05 ≠ subtotal 175.50 (amounts include tax)"
    }


def test_amount_due_must_be_total_minus_amount_paid(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data.update(amount_paid="50.00", amount_due="193.05")
    assert errors(Invoice, invoice_data) == {
        "invoice.amount_due": "amount due 193.05 ≠ total 193.05 − amount paid 50.00"
    }


def test_amount_due_cannot_be_negative(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data.update(amount_paid="200.00", amount_due="-6.95")
    assert errors(Invoice, invoice_data) == {
        "invoice.amount_due": "amount due -6.95 is negative: paid more than the total"
    }


def test_amount_paid_cannot_be_negative(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data.update(amount_paid="-1.00", amount_due="194.05")
    assert errors(Invoice, invoice_data) == {"invoice.amount_paid": "amount paid -1.00 is negative"}


def test_paid_invoice_has_nothing_due(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data.update(status="paid", amount_paid="100.00", amount_due="93.05")
    assert errors(Invoice, invoice_data) == {
        "invoice.amount_due": "a paid invoice has nothing due, but 93.05 is due"
    }


def test_paid_invoice_with_nothing_due_is_valid(invoice_data: dict[str, Any]) -> None:
    invoice_data.update(status="paid", amount_paid="193.05", amount_due="0.00")
    assert Invoice.parse(invoice_data).amount_due == 0


def test_due_date_before_issue_date_is_refused(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data.update(issue_date="2026-03-10", due_date="2026-03-09")
    assert errors(Invoice, invoice_data) == {
        "invoice.due_date": "due date 2026-03-09 is before the issue date 2026-03-10"
    }


def test_due_date_on_the_issue_date_is_valid(invoice_data: dict[str, Any]) -> None:
    invoice_data.update(issue_date="2026-03-10", due_date="2026-03-10")
    assert Invoice.parse(invoice_data).due_date == Invoice.parse(invoice_data).issue_date


def test_line_number_used_twice_is_refused(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data["lines"][2]["line_number"] = 1
    assert errors(Invoice, invoice_data) == {
        "invoice.lines[2].line_number": "line number 1 is used twice (also by lines[0])"
    }


def test_line_amount_with_too_many_decimals_names_the_line(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    for key in ("subtotal", "tax_total", "total", "amount_paid", "amount_due"):
        del invoice_data[key]
    invoice_data["lines"][2]["net_amount"] = "25.505"
    # Only the line is named: the derived totals repeat its precision but are not the problem.
    assert errors(Invoice, invoice_data) == {
        "invoice.lines[2].net_amount": "25.505 has more than 2 decimal places, the most USD has"
    }


def test_missing_net_amount_names_the_line(invoice_data: dict[str, Any], errors: Errors) -> None:
    del invoice_data["lines"][1]["net_amount"]
    found = errors(Invoice, invoice_data)
    assert found["invoice.lines[1].net_amount"] == "is required"


def test_direction_and_currency_are_required(errors: Errors) -> None:
    assert errors(Invoice, {}) == {
        "invoice.direction": "is required",
        "invoice.currency": "is required",
    }


def test_payable_invoice_party_must_be_a_supplier(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data["party_id"] = CUSTOMER_ID
    assert errors(Invoice, invoice_data) == {
        "invoice.party_id": f"'{CUSTOMER_ID}' is not the hub id of a supplier, "
        "the party of a payable invoice (sup_...)"
    }


def test_receivable_invoice_party_must_be_a_customer(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data["direction"] = "receivable"
    found = errors(Invoice, invoice_data)
    assert list(found) == ["invoice.party_id"]
    assert "a customer, the party of a receivable invoice (cus_...)" in found["invoice.party_id"]
    assert Invoice.parse({**invoice_data, "party_id": CUSTOMER_ID}).party_id == CUSTOMER_ID


def test_credit_note_is_an_invoice_document_type(invoice_data: dict[str, Any]) -> None:
    note = Invoice.parse({**invoice_data, "document_type": "credit_note"})
    assert note.document_type is DocumentType.CREDIT_NOTE
    assert note.party_id == SUPPLIER_ID


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("document_type", "debit_note", "invoice.document_type"),
        ("status", "approved", "invoice.status"),
        ("tax_mode", "gross", "invoice.tax_mode"),
        ("direction", "incoming", "invoice.direction"),
    ],
)
def test_enum_value_outside_the_contract_is_refused(
    invoice_data: dict[str, Any], errors: Errors, field: str, value: str, path: str
) -> None:
    invoice_data[field] = value
    found = errors(Invoice, invoice_data)
    assert found[path].startswith(f"'{value}' is not one of ")


def test_discount_percent_is_between_0_and_100(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data["lines"][0]["discount_percent"] = "100.5"
    assert "invoice.lines[0].discount_percent" in errors(Invoice, invoice_data)
    invoice_data["lines"][0]["discount_percent"] = "12.5"
    assert Invoice.parse(invoice_data).lines[0].discount_percent == Decimal("12.5")


def test_exchange_rate_must_be_positive(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data["exchange_rate"] = "0"
    assert "invoice.exchange_rate" in errors(Invoice, invoice_data)


def test_dimensions_and_custom_fields_on_lines(invoice_data: dict[str, Any]) -> None:
    invoice_data["lines"][0]["dimensions"] = {"cost_center": "CC-200", "region_code": "EMEA"}
    invoice_data["lines"][0]["custom_fields"] = {"gl_code": "0600", "billable": True}
    line = Invoice.parse(invoice_data).lines[0]
    assert line.dimensions == {"cost_center": "CC-200", "region_code": "EMEA"}
    # A code with a leading zero stays the string it was, never the number 600.
    assert line.custom_fields == {"gl_code": "0600", "billable": True}


def test_all_violations_of_an_invoice_are_reported_together(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data.update(
        status="approved",
        approved_by="m.keller",
        total="999.00",
        amount_due="999.00",
        issue_date="2026-04-10",
        due_date="2026-04-01",
    )
    invoice_data["lines"][1]["net_amount"] = "50.001"
    invoice_data["lines"][2]["net_amount"] = 25.5
    assert set(errors(Invoice, invoice_data)) == {
        "invoice.status",
        "invoice.approved_by",
        "invoice.lines[1].net_amount",
        "invoice.lines[2].net_amount",
        "invoice.due_date",
        "invoice.total",
    }
