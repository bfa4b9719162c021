"""The path catalogue holds every path of canonical-v1.md with its type; lookup resolves paths."""

from __future__ import annotations

import pytest

from canonical import OBJECTS, catalogue, lookup

COMMON = {
    "id": "string",
    "connection_id": "string",
    "remote_id": "string",
    "remote_updated_at": "datetime",
    "remote_deleted": "boolean",
    "custom_fields": "map",
    "remote_data": "map",
    "created_at": "datetime",
    "updated_at": "datetime",
    "version": "integer",
}

PARTY = {
    "name": "string",
    "legal_name": "string",
    "status": "enum",
    "tax_number": "string",
    "company_number": "string",
    "email": "email",
    "phone": "string",
    "website": "string",
    "currency": "currency",
    "payment_terms_days": "integer",
    "addresses": "list",
    "addresses[].kind": "enum",
    "addresses[].line1": "string",
    "addresses[].line2": "string",
    "addresses[].city": "string",
    "addresses[].region": "string",
    "addresses[].postal_code": "string",
    "addresses[].country": "country",
    "bank_accounts": "list",
    "bank_accounts[].account_name": "string",
    "bank_accounts[].iban": "iban",
    "bank_accounts[].bic": "bic",
    "bank_accounts[].account_number": "string",
    "bank_accounts[].routing_number": "string",
    "bank_accounts[].bank_country": "country",
    "bank_accounts[].currency": "currency",
    "default_account_code": "string",
}

CONTRACT: dict[str, dict[str, str]] = {
    "supplier": PARTY,
    "customer": PARTY,
    "invoice": {
        "direction": "enum",
        "document_type": "enum",
        "number": "string",
        "reference": "string",
        "purchase_order_number": "string",
        "party_id": "id",
        "issue_date": "date",
        "due_date": "date",
        "currency": "currency",
        "exchange_rate": "decimal",
        "status": "enum",
        "tax_mode": "enum",
        "memo": "string",
        "lines": "list",
        "lines[].line_number": "integer",
        "lines[].description": "string",
        "lines[].quantity": "decimal",
        "lines[].unit_price": "decimal",
        "lines[].discount_percent": "decimal",
        "lines[].net_amount": "money",
        "lines[].tax_code": "string",
        "lines[].tax_amount": "money",
        "lines[].account_code": "string",
        "lines[].item_code": "string",
        "lines[].dimensions": "map",
        "lines[].dimensions.cost_center": "string",
        "lines[].dimensions.project": "string",
        "lines[].dimensions.department": "string",
        "lines[].dimensions.location": "string",
        "lines[].custom_fields": "map",
        "subtotal": "money",
        "tax_total": "money",
        "total": "money",
        "amount_paid": "money",
        "amount_due": "money",
    },
    "payment": {
        "direction": "enum",
        "party_id": "id",
        "payment_date": "date",
        "amount": "money",
        "currency": "currency",
        "method": "enum",
        "end_to_end_id": "string",
        "bank_reference": "string",
        "bank_account_code": "string",
        "status": "enum",
        "status_reason": "string",
        "remittance": "object",
        "remittance.invoice_numbers[]": "string",
        "remittance.text": "string",
        "allocations": "list",
        "allocations[].invoice_id": "id",
        "allocations[].invoice_number": "string",
        "allocations[].amount": "money",
        "allocations[].discount_amount": "money",
        "allocations[].short_pay_reason": "string",
        "unallocated_amount": "money",
    },
    "journal_entry": {
        "number": "string",
        "reference": "string",
        "posting_date": "date",
        "currency": "currency",
        "memo": "string",
        "status": "enum",
        "lines": "list",
        "lines[].account_code": "string",
        "lines[].description": "string",
        "lines[].debit": "money",
        "lines[].credit": "money",
        "lines[].tax_code": "string",
        "lines[].dimensions": "map",
        "lines[].party_id": "id",
    },
    "account": {
        "code": "string",
        "name": "string",
        "type": "enum",
        "currency": "currency",
        "status": "enum",
    },
    "tax_rate": {"code": "string", "name": "string", "rate_percent": "decimal", "status": "enum"},
    "dimension": {"kind": "string", "code": "string", "name": "string", "status": "enum"},
}

ENUMS = {
    "supplier.status": ("active", "archived"),
    "supplier.addresses[].kind": ("billing", "remit_to", "shipping", "registered"),
    "invoice.direction": ("payable", "receivable"),
    "invoice.document_type": ("invoice", "credit_note"),
    "invoice.status": ("draft", "submitted", "authorised", "partially_paid", "paid", "voided"),
    "invoice.tax_mode": ("exclusive", "inclusive", "no_tax"),
    "payment.direction": ("outbound", "inbound"),
    "payment.method": (
        "ach",
        "wire",
        "sepa_credit_transfer",
        "instant",
        "card",
        "check",
        "cash",
        "other",
    ),
    "payment.status": ("pending", "submitted", "settled", "rejected", "returned", "voided"),
    "journal_entry.status": ("draft", "posted", "voided"),
    "account.type": ("asset", "liability", "equity", "revenue", "expense"),
    "account.status": ("active", "archived"),
    "tax_rate.status": ("active", "archived"),
    "dimension.status": ("active", "archived"),
}

REQUIRED = {
    "supplier.name",
    "customer.name",
    "invoice.direction",
    "invoice.currency",
    "invoice.lines[].net_amount",
    "payment.direction",
    "payment.payment_date",
    "payment.amount",
    "payment.currency",
    "payment.allocations[].amount",
    "journal_entry.posting_date",
    "journal_entry.currency",
    "journal_entry.lines",
    "journal_entry.lines[].account_code",
    "account.code",
    "account.name",
    "account.type",
    "tax_rate.code",
    "tax_rate.name",
    "tax_rate.rate_percent",
    "dimension.kind",
    "dimension.code",
    "dimension.name",
}


def _expected() -> dict[str, str]:
    out = {}
    for obj, fields in CONTRACT.items():
        for field, kind in {**COMMON, **fields}.items():
            out[f"{obj}.{field}"] = kind
    return out


def test_objects_are_the_contracts() -> None:
    assert list(OBJECTS) == list(CONTRACT)


@pytest.mark.parametrize("path", sorted(_expected()))
def test_every_contract_path_is_catalogued_with_its_type(path: str) -> None:
    entry = lookup(path)
    assert entry is not None, f"{path} is missing from the catalogue"
    assert entry.type == _expected()[path]
    assert entry.description, f"{path} has no description"


def test_catalogue_paths_are_unique_and_described() -> None:
    paths = [p.path for p in catalogue()]
    assert len(paths) == len(set(paths))
    assert all(p.description for p in catalogue())


def test_enums_list_exactly_the_contracts_values() -> None:
    for path, values in ENUMS.items():
        entry = lookup(path)
        assert entry is not None
        assert entry.enum_values == values, path


def test_required_flags_match_what_input_must_carry() -> None:
    assert {p.path for p in catalogue() if p.required} == REQUIRED


def test_derived_and_computed_fields_are_not_required() -> None:
    for path in ("invoice.id", "invoice.total", "invoice.amount_due", "payment.id"):
        entry = lookup(path)
        assert entry is not None
        assert not entry.required
    unallocated = lookup("payment.unallocated_amount")
    assert unallocated is not None
    assert unallocated.read_only


def test_catalogue_of_one_object() -> None:
    entries = catalogue("journal_entry")
    assert entries
    assert {e.object for e in entries} == {"journal_entry"}
    assert all(e.path.startswith("journal_entry.") for e in entries)
    assert lookup("journal_entry.lines[].debit") in entries


def test_catalogue_of_an_unknown_object_raises() -> None:
    with pytest.raises(KeyError, match="unknown canonical object 'bill'"):
        catalogue("bill")


def test_in_list_marks_paths_inside_list_elements() -> None:
    line_amount, total = lookup("invoice.lines[].net_amount"), lookup("invoice.total")
    assert line_amount is not None
    assert total is not None
    assert line_amount.in_list
    assert not total.in_list


@pytest.mark.parametrize(
    "path",
    [
        "invoice.custom_fields.project_id",
        "supplier.custom_fields.vendor_category",
        "invoice.lines[].custom_fields.trip_id",
        "invoice.lines[].dimensions.sales_channel",
        "journal_entry.lines[].dimensions.region",
    ],
)
def test_lookup_resolves_keys_of_open_maps(path: str) -> None:
    entry = lookup(path)
    assert entry is not None
    assert entry.path == path
    assert entry.type == "string"
    assert not entry.required
    assert path.rsplit(".", 1)[-1] in entry.description


@pytest.mark.parametrize(
    "path",
    [
        "invoice.approved_by",
        "invoice.total.cents",
        "invoice.remote_data.Status",
        "invoice.custom_fields.",
        "bill.total",
        "invoice.lines.net_amount",
    ],
)
def test_lookup_of_a_path_outside_the_model_is_none(path: str) -> None:
    assert lookup(path) is None
