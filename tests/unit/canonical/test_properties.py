"""Property tests: JSON round trip, rounding per currency, balanced journals, allocation sums."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canonical import (
    CanonicalValidationError,
    Invoice,
    JournalEntry,
    Payment,
    Record,
    Supplier,
    minor_units,
    round_money,
)

CURRENCIES = ["USD", "EUR", "JPY", "BHD", "KWD", "CHF", "GBP", "CLP"]
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.text(
    # Any character but U+0000, which canonical text refuses (issue 23, finding 9).
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=12,
)
keys = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
custom_values = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), texts)
custom_fields = st.dictionaries(keys, custom_values, max_size=3)
dimensions = st.dictionaries(
    st.sampled_from(["cost_center", "project", "department", "location", "channel"]),
    texts,
    max_size=3,
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))]
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=zones
)


def money(currency: str, min_units: int = 0, max_units: int = 10**12) -> st.SearchStrategy[Decimal]:
    """Amounts with exactly the currency's minor units (12.30 for USD, 1230 for JPY)."""
    places = minor_units(currency)
    return st.integers(min_units, max_units).map(lambda units: Decimal(units).scaleb(-places))


@st.composite
def invoices(draw: st.DrawFn) -> dict[str, Any]:
    """A valid invoice document; totals are left for the model to derive."""
    currency = draw(st.sampled_from(CURRENCIES))
    lines = [
        {
            "line_number": i + 1,
            "description": draw(st.none() | texts),
            "quantity": str(draw(st.decimals(0, 10**6, places=3))),
            "net_amount": draw(money(currency)),
            "tax_amount": draw(money(currency, max_units=10**10)),
            "account_code": draw(st.none() | st.from_regex(r"[0-9]{4}", fullmatch=True)),
            "dimensions": draw(dimensions),
            "custom_fields": draw(custom_fields),
        }
        for i in range(draw(st.integers(0, 5)))
    ]
    issued = draw(days)
    return {
        "direction": draw(st.sampled_from(["payable", "receivable"])),
        "document_type": draw(st.sampled_from(["invoice", "credit_note"])),
        "tax_mode": draw(st.sampled_from(["exclusive", "inclusive", "no_tax"])),
        "currency": currency,
        "number": draw(st.none() | texts),
        "issue_date": issued,
        "due_date": issued + timedelta(days=draw(st.integers(0, 120))),
        "remote_updated_at": draw(st.none() | moments),
        "lines": lines,
        "custom_fields": draw(custom_fields),
    }


@st.composite
def payments(draw: st.DrawFn) -> dict[str, Any]:
    """A valid payment whose allocations use part or all of its amount."""
    currency = draw(st.sampled_from(CURRENCIES))
    amount = draw(money(currency, min_units=1))
    allocations = []
    left = amount
    unit = Decimal(1).scaleb(-minor_units(currency))
    for _ in range(draw(st.integers(0, 4))):
        if left < unit:
            break
        share = draw(st.integers(1, int(left / unit))) * unit
        allocations.append({"amount": share, "invoice_number": draw(st.none() | texts)})
        left -= share
    return {
        "direction": draw(st.sampled_from(["outbound", "inbound"])),
        "payment_date": draw(days),
        "amount": amount,
        "currency": currency,
        "method": draw(st.none() | st.sampled_from(["ach", "wire", "sepa_credit_transfer"])),
        "status": draw(st.sampled_from(["pending", "submitted", "settled"])),
        "remittance": {"invoice_numbers": draw(st.lists(texts, max_size=3)), "text": None},
        "allocations": allocations,
    }


@st.composite
def balanced_lines(draw: st.DrawFn, currency: str) -> list[dict[str, Any]]:
    """Debit lines and credit lines that split the same total differently."""
    debits = draw(st.lists(money(currency, min_units=1, max_units=10**9), min_size=1, max_size=5))
    total = sum(debits, Decimal(0))
    unit = Decimal(1).scaleb(-minor_units(currency))
    cuts = (
        sorted(draw(st.sets(st.integers(1, int(total / unit) - 1), max_size=4)))
        if total > unit
        else []
    )
    points = [Decimal(0), *(c * unit for c in cuts), total]
    credits = [b - a for a, b in itertools.pairwise(points)]
    lines = [{"account_code": "6000", "debit": d, "dimensions": draw(dimensions)} for d in debits]
    lines += [{"account_code": "2000", "credit": c} for c in credits]
    return lines


def _round_trip(record: Record) -> Record:
    return type(record).model_validate_json(record.model_dump_json())


@FAST
@given(invoices())
def test_invoice_json_round_trip_equals_the_original(document: dict[str, Any]) -> None:
    invoice = Invoice.parse(document)
    again = _round_trip(invoice)
    assert again == invoice
    assert again.model_dump_json() == invoice.model_dump_json()


@FAST
@given(payments())
def test_payment_json_round_trip_equals_the_original(document: dict[str, Any]) -> None:
    payment = Payment.parse(document)
    assert _round_trip(payment) == payment


@FAST
@given(
    st.sampled_from(CURRENCIES).flatmap(lambda c: st.tuples(st.just(c), balanced_lines(c))),
    days,
)
def test_journal_json_round_trip_equals_the_original(
    lines: tuple[str, list[dict[str, Any]]], posted: date
) -> None:
    currency, entry_lines = lines
    entry = JournalEntry.parse({"posting_date": posted, "currency": currency, "lines": entry_lines})
    assert _round_trip(entry) == entry


@FAST
@given(name=texts, fields=custom_fields, seen=st.none() | moments)
def test_supplier_json_round_trip_equals_the_original(
    name: str, fields: dict[str, Any], seen: datetime | None
) -> None:
    supplier = Supplier.parse({"name": name, "custom_fields": fields, "remote_updated_at": seen})
    again = _round_trip(supplier)
    assert again == supplier
    assert json.loads(again.model_dump_json()) == json.loads(supplier.model_dump_json())


@FAST
@given(
    amount=st.decimals(
        min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False
    ),
    currency=st.sampled_from(CURRENCIES),
)
def test_round_money_keeps_the_minor_units_and_errs_at_most_half_a_unit(
    amount: Decimal, currency: str
) -> None:
    places = minor_units(currency)
    rounded = round_money(amount, currency)
    exponent = rounded.as_tuple().exponent
    assert isinstance(exponent, int)
    assert -exponent <= places
    assert abs(rounded - amount) <= Decimal("0.5").scaleb(-places)
    assert round_money(rounded, currency) == rounded


@FAST
@given(
    st.sampled_from(CURRENCIES).flatmap(
        lambda c: st.tuples(st.just(c), balanced_lines(c).flatmap(st.permutations))
    )
)
def test_balanced_journal_stays_balanced_under_line_permutation(
    drawn: tuple[str, list[dict[str, Any]]],
) -> None:
    currency, lines = drawn
    entry = JournalEntry.parse({"posting_date": "2026-03-31", "currency": currency, "lines": lines})
    assert sum(line.debit for line in entry.lines) == sum(line.credit for line in entry.lines)


@FAST
@given(
    st.sampled_from(["USD", "JPY", "BHD"]).flatmap(
        lambda c: st.tuples(
            st.just(c),
            balanced_lines(c).flatmap(st.permutations),
            money(c, min_units=1, max_units=10**6),
        )
    )
)
def test_unbalanced_journal_stays_refused_under_line_permutation(
    drawn: tuple[str, list[dict[str, Any]], Decimal],
) -> None:
    currency, lines, extra = drawn
    lines = [*lines, {"account_code": "9999", "debit": extra}]
    with pytest.raises(CanonicalValidationError) as info:
        JournalEntry.parse({"posting_date": "2026-03-31", "currency": currency, "lines": lines})
    assert [v.path for v in info.value.violations] == ["journal_entry.lines"]
    assert info.value.violations[0].reason.startswith("debits ")


@FAST
@given(
    st.sampled_from(["USD", "JPY", "BHD"]).flatmap(
        lambda c: st.tuples(
            st.just(c),
            money(c, min_units=1, max_units=10**6),
            st.lists(money(c, min_units=1, max_units=10**6), max_size=5),
        )
    )
)
def test_allocations_never_exceed_the_payment(
    drawn: tuple[str, Decimal, list[Decimal]],
) -> None:
    currency, amount, shares = drawn
    document = {
        "direction": "outbound",
        "payment_date": "2026-04-15",
        "currency": currency,
        "amount": amount,
        "allocations": [{"amount": s} for s in shares],
    }
    allocated = sum(shares, Decimal(0))
    if allocated > amount:
        with pytest.raises(CanonicalValidationError) as info:
            Payment.parse(document)
        assert [v.path for v in info.value.violations] == ["payment.allocations"]
        return
    payment = Payment.parse(document)
    assert sum(a.amount for a in payment.allocations) <= payment.amount
    assert payment.unallocated_amount == amount - allocated >= 0
