"""The fast paths of id and minor-unit checks decide exactly as the slow definitions do."""

from __future__ import annotations

import os
import time
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from ulid import ULID

from canonical.base import Doc
from canonical.ids import check_id, new_id, ulid_text
from canonical.invoice import Invoice, InvoiceLine
from canonical.money import fits_minor_units, minor_units, round_money

_ULID_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz"
_NEAR_MISSES = "ILOUiluo_-ſKı 7Z"  # letters Crockford leaves out, look-alikes, Unicode case folds


def _ulid_accepts(text: str) -> bool:
    try:
        ULID.from_str(text)
    except ValueError:
        return False
    return True


def _id_accepted(text: str) -> bool:
    try:
        check_id(f"inv_{text}", "inv")
    except ValueError:
        return False
    return True


@given(st.text(alphabet=_ULID_CHARS + _NEAR_MISSES, min_size=24, max_size=28))
@example("01ARZ3NDEKTSV4RRFFQ69G5FAV")
@example("01arz3ndektsv4rrffq69g5fav")
@example("81ARZ3NDEKTSV4RRFFQ69G5FAV")  # beyond 128 bits
@example("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
@example("01ARZ3NDEKTSV4RRFFQ69G5FAſ")
def test_check_id_accepts_exactly_what_ulid_parsing_accepts(text: str) -> None:
    assert _id_accepted(text) == _ulid_accepts(text)


def test_check_id_accepts_new_ids_and_refuses_other_prefixes() -> None:
    value = f"inv_{ULID()}"
    assert check_id(value, "inv") == value
    assert not _id_accepted("")
    with pytest.raises(ValueError, match="pay_"):
        check_id(value, "pay")


def _fits_by_definition(amount: Decimal, currency: str) -> bool:
    try:
        return round_money(amount, currency) == amount
    except InvalidOperation:
        return False


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | st.builds(Decimal, st.from_regex(r"-?\d{1,32}(\.\d{1,6})?(E[+-]?\d{1,2})?", fullmatch=True)),
    st.sampled_from(["JPY", "GBP", "USD", "BHD", "EUR", "XXX"]),
)
@example(Decimal("1.50"), "USD")
@example(Decimal("1.500"), "USD")
@example(Decimal("1.505"), "USD")
@example(Decimal("1E+2"), "JPY")
@example(Decimal("12.0"), "JPY")
@example(Decimal("123456789012345678901234567890.12"), "GBP")
def test_fits_minor_units_agrees_with_rounding(amount: Decimal, currency: str) -> None:
    assert fits_minor_units(amount, currency) == _fits_by_definition(amount, currency)


def test_non_finite_amounts_do_not_fit() -> None:
    assert not fits_minor_units(Decimal("NaN"), "USD")
    assert not fits_minor_units(Decimal("Infinity"), "USD")


@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
@example(0)
@example((1 << 128) - 1)
def test_ulid_text_writes_what_the_ulid_library_writes(value: int) -> None:
    assert ulid_text(value) == str(ULID.from_int(value))


def test_ulid_text_refuses_values_beyond_128_bits() -> None:
    with pytest.raises(ValueError, match="128 bits"):
        ulid_text(1 << 128)
    with pytest.raises(ValueError, match="128 bits"):
        ulid_text(-1)


_AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.builds(
    Decimal, st.from_regex(r"-?\d{1,12}(\.\d{1,5})?", fullmatch=True)
)


@given(
    st.lists(st.tuples(_AMOUNTS, _AMOUNTS | st.none()), max_size=4),
    _AMOUNTS,
    st.sampled_from(["JPY", "GBP", "BHD"]),
)
@example([(Decimal("1.500"), None)], Decimal("1.5"), "GBP")
@example([(Decimal("1.505"), Decimal("0.1"))], Decimal("1.51"), "GBP")
@example([(Decimal("1E+300"), Decimal("1"))], Decimal("0.01"), "GBP")  # too long to sum exactly
@example([(Decimal("1.005"), Decimal("-1.005"))], Decimal("0"), "GBP")  # a sum of zero
def test_money_within_says_no_amount_has_too_many_digits(
    lines: list[tuple[Decimal, Decimal | None]], total: Decimal, currency: str
) -> None:
    record = Invoice.model_construct(
        currency=currency,
        lines=[InvoiceLine.model_construct(net_amount=n, tax_amount=t) for n, t in lines],
        subtotal=total,
        tax_total=total,
        total=total,
        amount_paid=total,
        amount_due=total,
    )
    places = minor_units(currency)
    values = [value for _, value in Invoice.money_locs(Doc(record))]
    within = all(isinstance(e := v.as_tuple().exponent, int) and e >= -places for v in values)
    decided = Invoice.money_within(record, places)
    if decided:  # then the full check finds nothing either
        assert within
        assert all(fits_minor_units(v, currency) for v in values)
    if all(abs(v) < Decimal("1E+40") for v in values):  # the sum is exact: decided either way
        assert decided == within


def test_new_ids_are_ulids_of_the_time_they_were_made_and_strictly_increasing() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id("evt") for _ in range(3000)]  # many in one millisecond
    after = time.time_ns() // 1_000_000
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    for hub_id in ids:
        assert check_id(hub_id, "evt") == hub_id
        assert before <= ULID.from_str(hub_id[4:]).milliseconds <= after + 1


def test_a_forked_child_does_not_continue_its_parents_sequence() -> None:
    new_id("evt")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id in this millisecond is not the parent's next
        os.write(write, new_id("evt").encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    os.close(write)
    assert child != new_id("evt")
