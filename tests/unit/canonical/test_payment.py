"""Payment rules of canonical-v1: allocations, the unallocated rest, statuses, references."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from canonical import Payment, PaymentMethod, PaymentStatus, Record

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]


def test_valid_payment_parses(payment_data: dict[str, Any]) -> None:
    payment = Payment.parse(
        {
            **payment_data,
            "method": "sepa_credit_transfer",
            "end_to_end_id": "E2E-1",
            "remittance": {"invoice_numbers": ["A-1", "A-2"], "text": "two bills"},
        }
    )
    assert payment.amount == Decimal("100.00")
    assert payment.method is PaymentMethod.SEPA_CREDIT_TRANSFER
    assert payment.remittance is not None
    assert payment.remittance.invoice_numbers == ["A-1", "A-2"]
    assert payment.status is PaymentStatus.PENDING


def test_unallocated_amount_is_the_amount_less_allocations(payment_data: dict[str, Any]) -> None:
    assert Payment.parse(payment_data).unallocated_amount == Decimal("10.00")


def test_unallocated_amount_of_an_unallocated_payment_is_the_amount(
    payment_data: dict[str, Any],
) -> None:
    payment_data["allocations"] = []
    assert Payment.parse(payment_data).unallocated_amount == Decimal("100.00")


def test_unallocated_amount_is_in_the_records_json(payment_data: dict[str, Any]) -> None:
    assert Payment.parse(payment_data).to_json_dict()["unallocated_amount"] == "10.00"


def test_record_json_with_its_unallocated_amount_reads_back(payment_data: dict[str, Any]) -> None:
    payment = Payment.parse(payment_data)
    assert Payment.model_validate_json(payment.model_dump_json()) == payment


def test_wrong_unallocated_amount_is_refused(payment_data: dict[str, Any], errors: Errors) -> None:
    payment_data["unallocated_amount"] = "25.00"
    assert errors(Payment, payment_data) == {
        "payment.unallocated_amount": "unallocated_amount is computed as 10.00, not 25.00"
    }


def test_allocations_may_use_the_whole_amount(payment_data: dict[str, Any]) -> None:
    payment_data["allocations"][1]["amount"] = "40.00"
    assert Payment.parse(payment_data).unallocated_amount == 0


def test_allocations_exceeding_the_payment_are_refused(
    payment_data: dict[str, Any], errors: Errors
) -> None:
    payment_data["allocations"][1]["amount"] = "40.01"
    assert errors(Payment, payment_data) == {
        "payment.allocations": "allocations total 100.01 exceeds the payment amount 100.00"
    }


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_allocation_amount_must_be_positive(
    payment_data: dict[str, Any], errors: Errors, amount: str
) -> None:
    payment_data["allocations"][0]["amount"] = amount
    assert errors(Payment, payment_data) == {
        "payment.allocations[0].amount": f"allocation {amount} must be positive"
    }


def test_payment_amount_must_be_positive(payment_data: dict[str, Any], errors: Errors) -> None:
    payment_data.update(amount="0.00", allocations=[])
    assert errors(Payment, payment_data) == {
        "payment.amount": "payment amount 0.00 must be positive"
    }


def test_allocation_must_refer_to_an_invoice(payment_data: dict[str, Any], errors: Errors) -> None:
    supplier_id = payment_data["party_id"]
    payment_data["allocations"][1]["invoice_id"] = supplier_id
    assert errors(Payment, payment_data) == {
        "payment.allocations[1].invoice_id": f"'{supplier_id}' is not the hub id of an invoice "
        "(inv_...)"
    }


def test_party_must_be_a_supplier_or_customer(payment_data: dict[str, Any], errors: Errors) -> None:
    payment_data["party_id"] = "inv_01KN6N0HT0AFBME15XYB5X0SRN"
    found = errors(Payment, payment_data)
    assert list(found) == ["payment.party_id"]
    assert found["payment.party_id"].endswith("(sup_... or cus_...)")


def test_inbound_payment_from_a_customer_is_valid(payment_data: dict[str, Any]) -> None:
    payment_data.update(direction="inbound", party_id="cus_01K94FSMR0DEQWY9A6YFCBV9CF")
    assert Payment.parse(payment_data).party_id == "cus_01K94FSMR0DEQWY9A6YFCBV9CF"


@pytest.mark.parametrize(
    "path", ["payment.direction", "payment.payment_date", "payment.amount", "payment.currency"]
)
def test_required_payment_fields(errors: Errors, path: str) -> None:
    assert errors(Payment, {})[path] == "is required"


def test_method_and_status_outside_the_contract_are_refused(
    payment_data: dict[str, Any], errors: Errors
) -> None:
    payment_data.update(method="bitcoin", status="cleared")
    found = errors(Payment, payment_data)
    assert set(found) == {"payment.method", "payment.status"}
    assert found["payment.status"].startswith("'cleared' is not one of 'pending', 'submitted'")


def test_only_settled_is_bank_confirmed() -> None:
    confirmed = [s for s in PaymentStatus if s.is_bank_confirmed]
    assert confirmed == [PaymentStatus.SETTLED]
    assert not PaymentStatus.SUBMITTED.is_bank_confirmed


def test_allocation_amount_too_precise_for_the_currency(
    payment_data: dict[str, Any], errors: Errors
) -> None:
    payment_data["currency"] = "JPY"
    payment_data.update(amount="10000")
    payment_data["allocations"] = [{"amount": "2500.5"}]
    assert errors(Payment, payment_data) == {
        "payment.allocations[0].amount": "2500.5 is not a whole amount: JPY has no decimal places"
    }
