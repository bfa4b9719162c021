"""Conventions every object shares: money, JSON numbers, minor units, ids, time, strictness."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from canonical import (
    CanonicalValidationError,
    Event,
    EventType,
    Invoice,
    Payment,
    Record,
    Supplier,
    id_for,
    minor_units,
    new_id,
    round_money,
)

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]
FLOAT_REASON = 'a float cannot hold an exact amount; give a decimal string such as "12.30"'


def test_models_import_from_the_top_of_the_package() -> None:
    import canonical
    from canonical import (  # noqa: F401 - the import itself is the behaviour under test
        Account,
        Customer,
        Dimension,
        Event,
        Invoice,
        JournalEntry,
        Payment,
        Supplier,
        TaxRate,
    )

    for name in canonical.__all__:
        assert hasattr(canonical, name), name


# Money -------------------------------------------------------------------------------------------


def test_python_float_is_refused_for_money(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data["lines"][0]["net_amount"] = 100.0
    invoice_data["total"] = 193.05
    found = errors(Invoice, invoice_data)
    assert found["invoice.lines[0].net_amount"] == FLOAT_REASON
    assert found["invoice.total"] == FLOAT_REASON


def test_python_float_is_refused_for_exact_numbers(
    invoice_data: dict[str, Any], errors: Errors
) -> None:
    invoice_data["lines"][0]["quantity"] = 1.5
    assert errors(Invoice, invoice_data) == {"invoice.lines[0].quantity": FLOAT_REASON}


def test_python_float_is_refused_in_custom_fields(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["custom_fields"] = {"discount": 0.1}
    assert errors(Supplier, supplier_data) == {"supplier.custom_fields.discount": FLOAT_REASON}


def test_decimal_and_int_and_string_money_are_accepted(invoice_data: dict[str, Any]) -> None:
    invoice_data["lines"] = [
        {"net_amount": Decimal("100.00"), "tax_amount": 10},
        {"net_amount": "75.50", "tax_amount": "7.55"},
    ]
    invoice = Invoice.parse(invoice_data)
    assert [line.net_amount for line in invoice.lines] == [Decimal("100.00"), Decimal("75.50")]


# Blanks, `_`, other digits than 0-9, and numbers beyond 10^30 or 40 places (issue 23, finding 9).
@pytest.mark.parametrize(
    "value",
    [
        "12,30",
        "NaN",
        "Infinity",
        "",
        True,
        "  3267.26 ",
        "1_000",
        "\u0661\u0662",
        "1e999999999",
        "1e-999999999",
        Decimal("1E+30"),
        10**30,
    ],
)
def test_unreadable_money_is_refused(
    invoice_data: dict[str, Any], errors: Errors, value: object
) -> None:
    invoice_data["lines"][0]["net_amount"] = value
    assert "invoice.lines[0].net_amount" in errors(Invoice, invoice_data)


def test_money_is_a_decimal_string_in_json(invoice_data: dict[str, Any]) -> None:
    dumped = json.loads(Invoice.parse(invoice_data).model_dump_json())
    assert dumped["total"] == "193.05"
    assert dumped["lines"][0]["net_amount"] == "100.00"


def test_json_numbers_are_read_exactly() -> None:
    # 30 significant digits: a float keeps about 17, Python's default decimal context 28.
    text = (
        '{"direction": "payable", "currency": "USD", "exchange_rate": '
        "1.23456789012345678901234567891, "
        '"lines": [{"net_amount": 1234567890123456789012345678.90}, {"net_amount": 0.10}]}'
    )
    invoice = Invoice.model_validate_json(text)
    assert invoice.exchange_rate == Decimal("1.23456789012345678901234567891")
    assert invoice.lines[0].net_amount == Decimal("1234567890123456789012345678.90")
    assert invoice.total == Decimal("1234567890123456789012345679.00")
    assert Invoice.model_validate_json(invoice.model_dump_json()) == invoice


@pytest.mark.parametrize(
    ("currency", "places", "fits", "too_precise"),
    [
        ("JPY", 0, "1250", "1250.5"),
        ("USD", 2, "12.50", "12.505"),
        ("EUR", 2, "0.01", "0.001"),
        ("BHD", 3, "1.125", "1.1255"),
        ("KWD", 3, "0.005", "0.0005"),
    ],
)
def test_amounts_follow_the_currencys_minor_units(
    payment_data: dict[str, Any],
    errors: Errors,
    currency: str,
    places: int,
    fits: str,
    too_precise: str,
) -> None:
    assert minor_units(currency) == places
    payment_data.update(currency=currency, amount=fits, allocations=[])
    assert Payment.parse(payment_data).amount == Decimal(fits)
    payment_data["amount"] = too_precise
    reason = errors(Payment, payment_data)["payment.amount"]
    assert reason.startswith(f"{too_precise} ")
    assert currency in reason


def test_trailing_zeros_beyond_the_minor_units_are_accepted(payment_data: dict[str, Any]) -> None:
    payment_data.update(currency="JPY", amount="1500.00", allocations=[])
    assert Payment.parse(payment_data).amount == 1500


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("2.345", "USD", "2.35"),
        ("-2.345", "USD", "-2.35"),
        ("2.344", "USD", "2.34"),
        ("1249.5", "JPY", "1250"),
        ("0.0005", "BHD", "0.001"),
    ],
)
def test_round_money_rounds_half_away_from_zero(amount: str, currency: str, rounded: str) -> None:
    result = round_money(Decimal(amount), currency)
    assert result == Decimal(rounded)
    assert str(result) == rounded


# Ids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "prefix"),
    [
        ("supplier", "sup"),
        ("customer", "cus"),
        ("invoice", "inv"),
        ("payment", "pay"),
        ("journal_entry", "jnl"),
        ("account", "acc"),
        ("tax_rate", "tax"),
        ("dimension", "dim"),
    ],
)
def test_ids_are_prefixed_by_object(model: str, prefix: str) -> None:
    hub_id = id_for(model)
    head, _, ulid = hub_id.partition("_")
    assert head == prefix
    assert len(ulid) == 26


def test_ids_sort_in_creation_order() -> None:
    # The ULID's leading 48 bits are the creation time in milliseconds.
    ids = []
    for _ in range(5):
        ids.append(new_id("inv"))
        time.sleep(0.002)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_new_record_gets_an_id_and_a_given_id_is_kept(payment_data: dict[str, Any]) -> None:
    made = Payment.parse(payment_data)
    assert made.id.startswith("pay_")
    assert Payment.parse({**payment_data, "id": made.id}).id == made.id


def test_id_with_the_wrong_prefix_or_no_ulid_is_refused(
    payment_data: dict[str, Any], errors: Errors
) -> None:
    assert errors(Payment, {**payment_data, "id": "inv_01KP81KG30V37FWCEBHZ2BPM3S"}) == {
        "payment.id": "id must start with 'pay_' (got 'inv_01KP81KG30V37FWCEBHZ2BPM3S')"
    }
    assert errors(Payment, {**payment_data, "id": "pay_12345"}) == {
        "payment.id": "'12345' after 'pay_' is not a ULID"
    }


# Time -------------------------------------------------------------------------------------------


def test_naive_timestamp_is_refused(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["remote_updated_at"] = "2026-03-28T14:02:51"
    assert errors(Supplier, supplier_data) == {
        "supplier.remote_updated_at": "timestamp has no time zone; give it in UTC, "
        "e.g. 2026-01-31T09:00:00Z"
    }
    supplier_data["remote_updated_at"] = datetime(2026, 3, 28, 14, 2, 51)
    assert "supplier.remote_updated_at" in errors(Supplier, supplier_data)


def test_timestamp_with_an_offset_is_converted_to_utc(supplier_data: dict[str, Any]) -> None:
    supplier_data["remote_updated_at"] = "2026-03-28T16:02:51+02:00"
    supplier_data["created_at"] = datetime(2026, 3, 28, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    supplier = Supplier.parse(supplier_data)
    assert supplier.remote_updated_at == datetime(2026, 3, 28, 14, 2, 51, tzinfo=UTC)
    assert supplier.remote_updated_at is not None
    assert supplier.remote_updated_at.tzinfo is UTC
    assert supplier.created_at == datetime(2026, 3, 28, 14, 0, tzinfo=UTC)
    assert supplier.model_dump(mode="json")["remote_updated_at"] == "2026-03-28T14:02:51Z"


def test_dates_are_iso_dates(invoice_data: dict[str, Any], errors: Errors) -> None:
    invoice_data["issue_date"] = "31/03/2026"
    assert "invoice.issue_date" in errors(Invoice, invoice_data)


# Strictness -------------------------------------------------------------------------------------


def test_records_are_frozen(payment_data: dict[str, Any]) -> None:
    payment = Payment.parse(payment_data)
    with pytest.raises(ValidationError):
        payment.amount = Decimal("1.00")  # type: ignore[misc]
    with pytest.raises(ValidationError):
        payment.allocations[0].amount = Decimal("1.00")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("where", "path"),
    [((), "payment.approved_by"), (("allocations", 0), "payment.allocations[0].approved_by")],
)
def test_unknown_fields_are_refused(
    payment_data: dict[str, Any], errors: Errors, where: tuple[Any, ...], path: str
) -> None:
    target: Any = payment_data
    for key in where:
        target = target[key]
    target["approved_by"] = "m.keller"
    assert errors(Payment, payment_data) == {path: "is not a field of this object"}


def test_errors_are_a_value_error_listing_every_problem(payment_data: dict[str, Any]) -> None:
    payment_data.update(amount="-1", currency="XYZ", foo=1)
    with pytest.raises(CanonicalValidationError) as info:
        Payment.parse(payment_data)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("payment is not valid (4 problems):")
    assert {d["path"] for d in info.value.as_dicts()} == {
        "payment.amount",
        "payment.currency",
        "payment.foo",
        "payment.allocations",
    }


def test_custom_field_values_keep_their_type(supplier_data: dict[str, Any]) -> None:
    supplier_data["custom_fields"] = {
        "gl_code": "0600",
        "opened": "2026-01-01",
        "seats": 12,
        "vip": False,
        "limit": Decimal("1500.00"),
        "note": None,
    }
    assert Supplier.parse(supplier_data).custom_fields == supplier_data["custom_fields"]


def test_custom_field_value_must_be_a_scalar(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["custom_fields"] = {"tags": ["a", "b"]}
    assert errors(Supplier, supplier_data) == {
        "supplier.custom_fields.tags": "a custom field holds a string, number, boolean, date or "
        "null, not list"
    }


def test_remote_data_is_left_out_of_json_unless_asked_for(supplier_data: dict[str, Any]) -> None:
    supplier = Supplier.parse({**supplier_data, "remote_data": {"ContactID": "5b1c"}})
    assert "remote_data" not in supplier.to_json_dict()
    assert supplier.to_json_dict(include_remote_data=True)["remote_data"] == {"ContactID": "5b1c"}
    assert "5b1c" not in repr(supplier)


def test_version_starts_at_one_and_cannot_be_zero(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    assert Supplier.parse(supplier_data).version == 1
    assert "supplier.version" in errors(Supplier, {**supplier_data, "version": 0})


# Events -----------------------------------------------------------------------------------------


def test_event_envelope_has_id_type_time_connection_and_correlation() -> None:
    event = Event(type=EventType.INVOICE_UPDATED, connection_id="con_1", correlation_id="req-42")
    assert event.id.startswith("evt_")
    assert event.occurred_at.tzinfo is UTC
    assert event.object_name == "invoice"
    assert Event.model_validate_json(event.model_dump_json()) == event


def test_event_types_are_exactly_the_contracts() -> None:
    objects = ["supplier", "customer", "invoice", "payment", "journal_entry"]
    changes = [f"{o}.{c}" for o in objects for c in ("created", "updated", "deleted")]
    operational = [
        "sync.completed",
        "sync.failed",
        "write.succeeded",
        "write.failed",
        "exception.opened",
        "exception.resolved",
        "webhook_endpoint.disabled",
    ]
    assert sorted(e.value for e in EventType) == sorted(changes + operational)


def test_event_needs_a_correlation_id_and_a_known_type() -> None:
    with pytest.raises(ValidationError):
        Event.model_validate({"type": "invoice.updated", "correlation_id": ""})
    with pytest.raises(ValidationError):
        Event.model_validate({"type": "invoice.paid", "correlation_id": "c"})
    with pytest.raises(ValidationError):
        Event.model_validate({"type": "invoice.updated", "correlation_id": "c", "id": "inv_x"})
