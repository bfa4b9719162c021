"""Applying specs: every transform on reads, their inverses on writes, and the round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canonical import Invoice
from mappings.apply import ConnectionMapping, MappingApplyError, apply_read, apply_write
from mappings.spec import DecimalFormat, MappingSpec, Rule, load


def spec(*rules: Rule, object_name: str = "invoice") -> MappingSpec:
    return MappingSpec(object=object_name, rules=rules)


def read(rule: Rule, doc: dict[str, Any], canonical: dict[str, Any] | None = None) -> Any:
    return apply_read(spec(rule), doc, canonical or {})


def test_rename_sets_the_canonical_path_and_overrides_the_built_in_value() -> None:
    out = read(Rule(target="number", source="Ref.No"), {"Ref": {"No": "A-1"}}, {"number": "X"})
    assert out["number"] == "A-1"
    # Missing in the ERP: the built-in translation's value stays.
    assert read(Rule(target="number", source="Ref.No"), {}, {"number": "X"})["number"] == "X"


def test_constant_and_default() -> None:
    assert read(Rule(target="custom_fields.src", constant="erp"), {})["custom_fields"] == {
        "src": "erp"
    }
    out = read(Rule(target="custom_fields.tier", source="Tier", default="standard"), {})
    assert out["custom_fields"]["tier"] == "standard"
    lines = read(Rule(target="lines[].custom_fields.k", constant="v"), {}, {"lines": [{}, {}]})
    assert [line["custom_fields"]["k"] for line in lines["lines"]] == ["v", "v"]


def test_lookup_tables_and_unknown_values() -> None:
    rule = Rule(target="custom_fields.tax", source="TaxType", lookup={"OUTPUT2": "VAT20"})
    assert read(rule, {"TaxType": "OUTPUT2"})["custom_fields"]["tax"] == "VAT20"
    with pytest.raises(MappingApplyError) as caught:
        read(rule, {"TaxType": "ZERO"})
    assert caught.value.path == "invoice.custom_fields.tax"
    assert "'ZERO' is not in the lookup table (known: OUTPUT2)" in caught.value.reason
    keep = rule.model_copy(update={"on_unknown": "keep"})
    assert read(keep, {"TaxType": "ZERO"})["custom_fields"]["tax"] == "ZERO"
    fallback = rule.model_copy(update={"on_unknown": "default", "default": "NONE"})
    assert read(fallback, {"TaxType": "ZERO"})["custom_fields"]["tax"] == "NONE"


def test_dates_datetimes_decimals_integers_booleans() -> None:
    d = Rule(target="due_date", source="D", type="date", date_format="%d/%m/%Y")
    assert read(d, {"D": "31/01/2026"})["due_date"] == date(2026, 1, 31)
    t = Rule(target="custom_fields.at", source="T", type="datetime")
    assert read(t, {"T": "2026-01-31T10:00:00"})["custom_fields"]["at"] == datetime(
        2026, 1, 31, 10, tzinfo=UTC
    )
    n = Rule(
        target="custom_fields.rate",
        source="R",
        type="decimal",
        decimal=DecimalFormat(decimal_point=",", group="."),
    )
    assert read(n, {"R": "1.234,56"})["custom_fields"]["rate"] == Decimal("1234.56")
    i = Rule(target="custom_fields.n", source="N", type="integer")
    assert read(i, {"N": "42"})["custom_fields"]["n"] == 42
    b = Rule(target="custom_fields.ok", source="B", type="boolean")
    assert read(b, {"B": "yes"})["custom_fields"]["ok"] is True
    with pytest.raises(MappingApplyError, match=r"'31-01-2026' is not a date in format"):
        read(d, {"D": "31-01-2026"})
    with pytest.raises(MappingApplyError, match="is not a integer"):
        read(i, {"N": "4.5"})


def test_a_float_is_never_taken_as_an_amount() -> None:
    n = Rule(target="custom_fields.rate", source="R", type="decimal")
    with pytest.raises(MappingApplyError, match="float"):
        read(n, {"R": 0.1})


def test_concatenate_split_and_conditions() -> None:
    cat = Rule(target="custom_fields.who", sources=("First", "Last"), separator=" ")
    assert read(cat, {"First": "Ada", "Last": "Lovelace"})["custom_fields"]["who"] == "Ada Lovelace"
    part = Rule(target="custom_fields.project", source="Ref", separator="/", split=1)
    assert read(part, {"Ref": "PO-9/PRJ-7"})["custom_fields"]["project"] == "PRJ-7"
    when = Rule(target="custom_fields.kind", constant="sale", when="Type == 'ACCREC'")
    assert read(when, {"Type": "ACCREC"})["custom_fields"]["kind"] == "sale"
    assert "custom_fields" not in read(when, {"Type": "ACCPAY"})
    expr = Rule(target="custom_fields.first_group", expr="Groups[0].Name")
    assert read(expr, {"Groups": [{"Name": "VIP"}]})["custom_fields"]["first_group"] == "VIP"


def test_list_elements_map_element_by_element() -> None:
    rule = Rule(target="lines[].dimensions.project", source="Items[].Tracking[Name=Project].Option")
    doc = {
        "Items": [
            {"Tracking": [{"Name": "Project", "Option": "P1"}]},
            {"Tracking": []},
            {"Tracking": [{"Name": "Project", "Option": "P3"}]},
        ]
    }
    out = read(rule, doc, {"lines": [{}, {}, {}]})
    assert [line.get("dimensions") for line in out["lines"]] == [
        {"project": "P1"},
        None,
        {"project": "P3"},
    ]


def test_writes_run_the_rules_backwards_into_the_adapters_payload() -> None:
    s = load(
        """\
object: invoice
rules:
  - target: custom_fields.po
    source: Reference
  - target: lines[].custom_fields.region
    source: LineItems[].Tracking[Name=Region].Option
    lookup: {N: North, S: South}
  - target: custom_fields.rate
    source: Rate
    type: decimal
    decimal: {decimal_point: ",", group: ".", scale: 2}
  - target: custom_fields.approved
    source: Approval.On
    type: date
    date_format: "%d/%m/%Y"
  - target: custom_fields.channel
    expr: Contact.Name
"""
    )
    canonical = {
        "custom_fields": {"po": "PO-1", "rate": Decimal("1234.5"), "approved": date(2026, 2, 3)},
        "lines": [{"custom_fields": {"region": "South"}}, {}],
    }
    payload = apply_write(s, canonical, {"LineItems": [{"AccountCode": "400"}, {}], "Type": "X"})
    assert payload == {
        "Type": "X",
        "Reference": "PO-1",
        "Rate": "1.234,50",
        "Approval": {"On": "03/02/2026"},
        "LineItems": [{"AccountCode": "400", "Tracking": [{"Name": "Region", "Option": "S"}]}, {}],
    }


def test_connection_mapping_turns_records_and_names_the_spec_version_on_bad_output() -> None:
    from tests.unit.mappings.records import an_invoice

    invoice = an_invoice()
    mapping = ConnectionMapping(
        {"invoice": spec(Rule(target="custom_fields.po", source="Reference"))}, {"invoice": 3}
    )
    out = mapping.read(invoice, {"Reference": "PO-77"})
    assert isinstance(out, Invoice)
    assert out.custom_fields["po"] == "PO-77"
    assert mapping.version("invoice") == 3
    assert mapping.write(out, {"Type": "ACCPAY"}) == {"Type": "ACCPAY", "Reference": "PO-77"}
    bad = ConnectionMapping({"invoice": spec(Rule(target="currency", source="C"))}, {"invoice": 4})
    with pytest.raises(MappingApplyError, match="version 4"):
        bad.read(invoice, {"C": "not-a-currency"})


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="|"), min_size=1
)
_amount = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(
    po=_text,
    region=st.sampled_from(["North", "South", "East"]),
    rate=_amount,
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    first=_text,
    last=_text,
    flag=st.booleans(),
)
def test_writing_then_reading_back_gives_the_canonical_values(
    po: str, region: str, rate: Decimal, day: date, first: str, last: str, flag: bool
) -> None:
    s = spec(
        Rule(target="custom_fields.po", source="Reference"),
        Rule(
            target="lines[].custom_fields.region",
            source="LineItems[].Tracking[Name=Region].Option",
            lookup={"N": "North", "S": "South", "E": "East"},
        ),
        Rule(
            target="custom_fields.rate",
            source="Rate",
            type="decimal",
            decimal=DecimalFormat(decimal_point=",", group=".", scale=2),
        ),
        Rule(target="custom_fields.day", source="Day", type="date", date_format="%d.%m.%Y"),
        Rule(target="custom_fields.who", sources=("A.First", "A.Last"), separator="|"),
        Rule(target="custom_fields.flag", source="Flag", type="boolean"),
    )
    canonical = {
        "custom_fields": {
            "po": po,
            "rate": rate,
            "day": day,
            "who": f"{first}|{last}",
            "flag": flag,
        },
        "lines": [{"custom_fields": {"region": region}}],
    }
    payload = apply_write(s, canonical, {})
    back = apply_read(s, payload, {"lines": [{}]})
    assert back == canonical
