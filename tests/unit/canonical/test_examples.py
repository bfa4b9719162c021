"""The examples stay valid and the broken one stays broken, per model and per JSON Schema."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from canonical import OBJECTS, Invoice, Payment, validate_document
from canonical.schema import json_schema
from hub.cli.validate import object_for

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
VALID = sorted(p.name for p in EXAMPLES.glob("*.json"))
BROKEN = EXAMPLES / "broken" / "bill.json"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def _validator(object_name: str) -> Draft202012Validator:
    schema = json_schema(object_name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_examples_cover_the_issues_documents() -> None:
    assert VALID == ["bill.json", "journal_entry.json", "payment.json", "supplier.json"]
    assert BROKEN.exists()


@pytest.mark.parametrize("name", VALID)
def test_example_is_valid_per_the_model(name: str) -> None:
    object_name = object_for(EXAMPLES / name)
    assert object_name in OBJECTS
    report = validate_document(object_name, _load(EXAMPLES / name))
    assert report.ok, report.violations
    assert report.notices == ()


@pytest.mark.parametrize("name", VALID)
def test_example_is_accepted_by_the_exported_json_schema(name: str) -> None:
    object_name = object_for(EXAMPLES / name)
    assert object_name is not None
    document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    errors = [e.message for e in _validator(object_name).iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("name", VALID)
def test_records_own_json_is_accepted_by_its_schema(name: str) -> None:
    object_name = object_for(EXAMPLES / name)
    assert object_name is not None
    record = OBJECTS[object_name].parse(_load(EXAMPLES / name))
    errors = [e.message for e in _validator(object_name).iter_errors(record.to_json_dict())]
    assert errors == []


def test_bill_example_is_a_realistic_payable_invoice() -> None:
    bill = Invoice.parse(_load(EXAMPLES / "bill.json"))
    assert bill.direction == "payable"
    assert len(bill.lines) >= 2
    assert bill.tax_total > 0
    assert all({"cost_center", "project"} <= set(line.dimensions) for line in bill.lines[:2])
    assert bill.custom_fields


def test_payment_example_allocates_to_two_invoices_with_remittance() -> None:
    payment = Payment.parse(_load(EXAMPLES / "payment.json"))
    assert payment.direction == "outbound"
    assert len({a.invoice_id for a in payment.allocations}) == 2
    assert payment.remittance is not None
    assert payment.end_to_end_id
    assert payment.unallocated_amount == 0


def test_broken_bill_reports_every_problem_with_its_path() -> None:
    report = validate_document("invoice", _load(BROKEN))
    assert not report.ok
    assert {v.path: v.reason for v in report.violations} == {
        "invoice.status": "'approved' is not one of 'draft', 'submitted', 'authorised', "
        "'partially_paid', 'paid' or 'voided'",
        "invoice.approved_by": "is not a field of this object",
        "invoice.lines[1].net_amount": "120.555 has more than 2 decimal places, the most EUR has",
        "invoice.total": "total 800.00 ≠ subtotal 620.555 + tax 117.91",
        "invoice.due_date": "due date 2026-03-10 is before the issue date 2026-04-10",
    }


def test_broken_bill_is_refused_by_the_json_schema_too() -> None:
    document = json.loads(BROKEN.read_text(encoding="utf-8"))
    errors = list(_validator("invoice").iter_errors(document))
    found = {(e.validator, tuple(e.absolute_path)) for e in errors}
    assert ("additionalProperties", ()) in found  # approved_by
    assert ("enum", ("status",)) in found


def test_schema_refuses_a_float_where_money_is_a_decimal_string() -> None:
    document = json.loads((EXAMPLES / "payment.json").read_text(encoding="utf-8"))
    document["amount"] = 4776.46
    assert not _validator("payment").is_valid(document)


def test_event_schema_is_valid_draft_2020_12() -> None:
    _validator("event")
