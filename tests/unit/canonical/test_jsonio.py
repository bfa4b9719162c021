"""Exact JSON: Decimal survives a round trip with every digit, quickly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canonical import jsonio


def test_decimals_are_written_as_bare_exact_numbers() -> None:
    text = jsonio.dumps(
        {"total": Decimal("12345678901234567890.123456789"), "zero": Decimal("-0.00")}
    )
    assert text == '{"total":12345678901234567890.123456789,"zero":0.00}'


def test_a_string_cannot_pose_as_a_decimal() -> None:
    tricky = "\x00dec0123456789abcdef:5"
    assert jsonio.loads(jsonio.dumps({"s": tricky})) == {"s": tricky}


def test_dates_and_exponents() -> None:
    data = {
        "d": date(2026, 1, 2),
        "t": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "e": Decimal("1E+3"),
    }
    assert jsonio.loads(jsonio.dumps(data)) == {
        "d": "2026-01-02",
        "t": "2026-01-02T03:04:00+00:00",
        "e": Decimal("1000"),
    }


@given(
    st.recursive(
        st.decimals(allow_nan=False, allow_infinity=False) | st.text() | st.integers() | st.none(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_round_trip_keeps_every_value(value: object) -> None:
    assert jsonio.loads(jsonio.dumps(value)) == value


def test_an_encoded_document_is_written_as_it_was_encoded() -> None:
    doc = {"amount": Decimal("-12.50"), "name": "Café", "lines": [{"q": Decimal("1E+2")}]}
    encoded = jsonio.Encoded(doc)
    assert (
        encoded.text
        == jsonio.dumps(doc)
        == '{"amount":-12.50,"name":"Caf\\u00e9","lines":[{"q":100}]}'
    )
    assert jsonio.dumps(encoded) is encoded.text
    assert jsonio.loads(jsonio.dumps(encoded)) == doc


def test_an_erp_default_writes_its_own_types_and_leaves_the_rest_to_the_standard_rules() -> None:
    def stamp(value: object) -> object:
        return "D" if isinstance(value, date) else NotImplemented

    text = jsonio.dumps({"d": date(2026, 1, 2), "a": Decimal("0.10")}, default=stamp)
    assert text == '{"d":"D","a":0.10}'
    assert jsonio.dumps({"d": date(2026, 1, 2)}) == '{"d":"2026-01-02"}'


def test_floats_can_be_refused_anywhere_in_the_document() -> None:
    assert jsonio.dumps({"a": [1, "x", Decimal("2.5")]}, floats=False) == '{"a":[1,"x",2.5]}'
    with pytest.raises(TypeError, match="float"):
        jsonio.dumps({"a": [{"b": (1, 0.1)}]}, floats=False)
