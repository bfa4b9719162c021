"""Xero payload models: Microsoft dates, exact decimals, aliases, extras and exact enums."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.xero.enums import InvoiceStatus, InvoiceType, LineAmountType
from connectors.xero.models import (
    XeroAccount,
    XeroBatchPayment,
    XeroContact,
    XeroInvoice,
    XeroLineItem,
    XeroPayment,
    dumps_xero,
    format_ms_date,
    format_ms_datetime,
    parse_ms_date,
    parse_ms_datetime,
)
from connectors.xero.translate import MODELS

FIXTURES = Path(__file__).parent / "fixtures"
UTC = dt.UTC


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(), parse_float=Decimal)
    return data


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(1518685950940+0000)/", dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)),
        ("/Date(1518685950940)/", dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)),
        # The number is UTC; the offset names the recording zone and does not move the instant.
        ("/Date(1518685950940+1300)/", dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)),
        ("/Date(1518685950940-0500)/", dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)),
        ("/Date(0+0000)/", dt.datetime(1970, 1, 1, tzinfo=UTC)),
        ("/Date(-86400000+0000)/", dt.datetime(1969, 12, 31, tzinfo=UTC)),
        ("/Date(-2208988800000)/", dt.datetime(1900, 1, 1, tzinfo=UTC)),
        ("2026-01-31T09:30:00", dt.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("2026-01-31T09:30:00Z", dt.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("2026-01-31T22:30:00+13:00", dt.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("2026-01-31", dt.datetime(2026, 1, 31, tzinfo=UTC)),
    ],
)
def test_timestamps_parse_to_utc(text: str, expected: dt.datetime) -> None:
    parsed = parse_ms_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(1767571200000+0000)/", dt.date(2026, 1, 5)),
        ("/Date(1767571200000)/", dt.date(2026, 1, 5)),
        ("/Date(-86400000+0000)/", dt.date(1969, 12, 31)),
        ("2026-01-31", dt.date(2026, 1, 31)),
        ("2026-01-31T00:00:00", dt.date(2026, 1, 31)),
    ],
)
def test_dates_parse_from_microsoft_and_iso_forms(text: str, expected: dt.date) -> None:
    assert parse_ms_date(text) == expected


@pytest.mark.parametrize("bad", ["/Date(abc)/", "Date(123)", "31/01/2026", "", "/Date(12+5)/"])
def test_malformed_dates_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="not a Xero date"):
        XeroInvoice.model_validate({"Date": bad})


def test_dates_serialise_back_as_microsoft_dates() -> None:
    assert format_ms_date(dt.date(2026, 1, 5)) == "/Date(1767571200000+0000)/"
    assert format_ms_date(dt.date(1969, 12, 31)) == "/Date(-86400000+0000)/"
    moment = dt.datetime(2018, 2, 15, 9, 12, 30, 940000, tzinfo=UTC)
    assert format_ms_datetime(moment) == "/Date(1518685950940+0000)/"
    shifted = moment.astimezone(dt.timezone(dt.timedelta(hours=13)))
    assert format_ms_datetime(shifted) == "/Date(1518685950940+0000)/"


@given(st.integers(min_value=-62_000_000_000_000, max_value=250_000_000_000_000))
def test_any_epoch_millisecond_survives_a_round_trip(ms: int) -> None:
    text = f"/Date({ms}+0000)/"
    assert format_ms_datetime(parse_ms_datetime(text)) == text


def test_model_dates_read_and_dump_in_xero_form() -> None:
    invoice = XeroInvoice.model_validate(
        {"Date": "/Date(1767571200000+0000)/", "UpdatedDateUTC": "/Date(1767614400123+0000)/"}
    )
    assert invoice.date == dt.date(2026, 1, 5)
    assert invoice.updated_date_utc == dt.datetime(2026, 1, 5, 12, 0, 0, 123000, tzinfo=UTC)
    assert invoice.to_xero() == {
        "Date": "/Date(1767571200000+0000)/",
        "UpdatedDateUTC": "/Date(1767614400123+0000)/",
    }


def test_iso_dates_accepted_as_on_writes() -> None:
    payment = XeroPayment.model_validate({"Date": "2026-01-31", "Amount": "10.00"})
    assert payment.date == dt.date(2026, 1, 31)


# --- numbers ---------------------------------------------------------------------------------


def test_twenty_digit_json_number_survives_exactly() -> None:
    text = '{"InvoiceID": "x", "Total": 12345678901234567890.12, "AmountDue": 0.10}'
    invoice = XeroInvoice.model_validate_json(text)
    assert invoice.total == Decimal("12345678901234567890.12")
    assert invoice.amount_due == Decimal("0.10")
    assert dumps_xero(invoice) == (
        '{"Total":12345678901234567890.12,"InvoiceID":"x","AmountDue":0.10}'
    )


def test_floats_are_refused_for_amounts() -> None:
    with pytest.raises(ValidationError, match="float cannot hold an exact amount"):
        XeroLineItem.model_validate({"LineAmount": 0.1})
    with pytest.raises(TypeError, match="float"):
        dumps_xero({"Amount": 0.1})


def test_numeric_strings_are_read_exactly_as_xero_sometimes_sends_them() -> None:
    batch = XeroBatchPayment.model_validate({"TotalAmount": "50.00", "IsReconciled": "false"})
    assert batch.total_amount == Decimal("50.00")
    assert batch.is_reconciled is False


def test_dumps_xero_writes_plain_numbers_for_tiny_and_large_exponents() -> None:
    assert dumps_xero({"A": Decimal("1E+3"), "B": Decimal("1E-7"), "C": Decimal("-0.00")}) == (
        '{"A":1000,"B":0.0000001,"C":0.00}'
    )


# --- names, extras, enums --------------------------------------------------------------------


def test_models_accept_xero_names_and_snake_case_and_dump_xero_names() -> None:
    by_alias = XeroContact.model_validate({"ContactID": "c1", "IsSupplier": True, "Name": "A"})
    by_name = XeroContact(contact_id="c1", is_supplier=True, name="A")
    assert by_alias == by_name
    assert by_name.to_xero() == {"ContactID": "c1", "Name": "A", "IsSupplier": True}


def test_unknown_fields_are_kept_and_written_back() -> None:
    contact = XeroContact.model_validate({"ContactID": "c1", "BrandNewXeroField": {"x": 1}})
    assert contact.model_extra == {"BrandNewXeroField": {"x": 1}}
    assert contact.to_xero()["BrandNewXeroField"] == {"x": 1}


def test_account_class_is_read_from_class() -> None:
    account = XeroAccount.model_validate({"Class": "ASSET", "Type": "BANK", "Code": "090"})
    assert account.account_class == "ASSET"
    assert account.to_xero() == {"Class": "ASSET", "Type": "BANK", "Code": "090"}


def test_enums_hold_xero_exact_values() -> None:
    assert [s.value for s in InvoiceStatus] == [
        "DRAFT",
        "SUBMITTED",
        "DELETED",
        "AUTHORISED",
        "PAID",
        "VOIDED",
    ]
    assert LineAmountType("NoTax") is LineAmountType.NO_TAX
    assert InvoiceType("ACCRECCREDIT") is InvoiceType.ACCRECCREDIT
    with pytest.raises(ValidationError):
        XeroInvoice.model_validate({"Status": "Authorised"})


@pytest.mark.parametrize(
    ("fixture", "collection"),
    [
        ("contacts.json", "Contacts"),
        ("invoices.json", "Invoices"),
        ("credit_notes.json", "CreditNotes"),
        ("payments.json", "Payments"),
        ("batch_payments.json", "BatchPayments"),
        ("overpayments.json", "Overpayments"),
        ("prepayments.json", "Prepayments"),
        ("manual_journals.json", "ManualJournals"),
        ("accounts.json", "Accounts"),
        ("tax_rates.json", "TaxRates"),
        ("tracking_categories.json", "TrackingCategories"),
    ],
)
def test_every_fixture_parses_and_dumps_back_to_the_same_payload(
    fixture: str, collection: str
) -> None:
    for item in load(fixture)[collection]:
        model = MODELS[collection].model_validate(item)
        again = json.loads(dumps_xero(model), parse_float=Decimal)
        assert again == _normalised(item)


def _normalised(value: Any, key: str = "") -> Any:
    """The payload without nulls, with Xero's lax strings ("false", "50.00") as their types."""
    if isinstance(value, dict):
        return {k: _normalised(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if key in ("TotalAmount", "Amount") and isinstance(value, str):
        return Decimal(value)
    return value


def test_nested_payment_and_batch_references_parse() -> None:
    item = load("payments.json")["Payments"][4]
    payment = XeroPayment.model_validate(item)
    assert payment.batch_payment is not None
    assert payment.batch_payment.total_amount == Decimal("655.50")
    assert payment.invoice is not None
    assert payment.invoice.contact is not None
    assert payment.invoice.contact.name == "Harbour Freight & Logistics"
