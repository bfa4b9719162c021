"""Mapping specs: parsing, paths, and validation errors that name the line and the path."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mappings.paths import PathError, parse, put, values
from mappings.spec import FieldCatalogue, MappingSpec, Rule, SpecError, dump, from_data, load

GOOD = """\
object: invoice
description: Acme's invoices
rules:
  - target: custom_fields.po_number
    source: Reference
  - target: lines[].dimensions.cost_center
    source: LineItems[].Tracking[Name=Region].Option
    lookup: {North: CC-100, South: CC-200}
  - target: custom_fields.rate
    source: Rate
    type: decimal
    decimal: {decimal_point: ",", group: ".", scale: 2}
  - target: custom_fields.channel
    expr: "Contact.ContactGroups[0].Name"
    when: "Type == 'ACCREC'"
"""


def test_a_good_spec_loads_and_dumps_back_the_same() -> None:
    spec = load(GOOD)
    assert spec.object == "invoice"
    assert [r.target for r in spec.rules][:2] == [
        "custom_fields.po_number",
        "lines[].dimensions.cost_center",
    ]
    assert load(dump(spec)) == spec


def test_numbers_in_a_spec_are_exact_decimals() -> None:
    spec = load("object: invoice\nrules:\n  - target: custom_fields.rate\n    constant: 0.1\n")
    assert spec.rules[0].constant == Decimal("0.1")
    assert "0.1" in dump(spec)


def test_every_problem_is_reported_with_its_line_and_path() -> None:
    text = """\
object: invoice
rules:
  - target: custom_fields.ok
    source: Reference
  - target: lines[].no_such_field
    source: LineItems[].AccountCode
  - target: custom_fields.two
    source: A
    expr: B
  - target: custom_fields.bad_expr
    expr: "a[["
  - target: custom_fields.ok
    source: Other
"""
    with pytest.raises(SpecError) as caught:
        load(text, source="acme.yaml")
    problems = {(p.line, p.where): p.message for p in caught.value.problems}
    assert "is not a canonical path of invoice" in problems[(5, "rules[1].target")]
    assert "exactly one of source, sources, expr or constant" in problems[(7, "rules[2]")]
    assert "not a JMESPath expression" in problems[(11, "rules[3].expr")]
    assert "already bound by rules[0]" in problems[(12, "rules[4].target")]
    assert "acme.yaml has 4 problem(s)" in str(caught.value)


def test_unknown_keys_and_bad_yaml_are_refused_with_a_line() -> None:
    with pytest.raises(SpecError) as caught:
        load("object: invoice\nrules:\n  - target: custom_fields.x\n    sauce: Reference\n")
    assert any(p.line == 4 and "sauce" in p.where for p in caught.value.problems)
    with pytest.raises(SpecError) as bad:
        load("object: invoice\nrules: [\n")
    assert bad.value.problems[0].line is not None
    assert "not valid YAML" in bad.value.problems[0].message


def test_unknown_object_and_computed_targets_are_refused() -> None:
    with pytest.raises(SpecError, match="unknown canonical object 'bill'"):
        load("object: bill\nrules: []\n")
    with pytest.raises(SpecError, match="computed by the hub"):
        load("object: payment\nrules:\n  - target: unallocated_amount\n    source: X\n")
    with pytest.raises(SpecError, match="is a list, not a value"):
        load("object: invoice\nrules:\n  - target: lines\n    source: X\n")


def test_list_levels_must_match_between_source_and_target() -> None:
    with pytest.raises(SpecError, match=r"has 0 list level\(s\).*element i maps to element i"):
        load("object: invoice\nrules:\n  - target: lines[].description\n    source: Reference\n")


def test_sources_are_checked_against_the_adapters_field_catalogue() -> None:
    catalogue = FieldCatalogue(
        "xero", frozenset({"Reference", "LineItems[].Tracking[].Option"}), ("CustomFields",)
    )
    ok = "object: invoice\nrules:\n  - target: lines[].custom_fields.region\n"
    ok += "    source: LineItems[].Tracking[Name=Region].Option\n"
    assert load(ok, catalogue=catalogue).rules
    assert load(
        "object: invoice\nrules:\n  - target: custom_fields.a\n    source: CustomFields.Anything\n",
        catalogue=catalogue,
    ).rules
    with pytest.raises(SpecError) as caught:
        load(
            "object: invoice\nrules:\n  - target: custom_fields.a\n    source: Refrence\n",
            catalogue=catalogue,
        )
    assert caught.value.problems[0].where == "rules[0].source"
    assert "'Refrence' is not a field xero has on invoice" in caught.value.problems[0].message
    assert caught.value.problems[0].line == 4


def test_rules_that_cannot_run_backwards_are_read_only() -> None:
    assert not Rule(target="custom_fields.a", expr="X").writes
    assert not Rule(target="custom_fields.a", constant="k").writes
    assert not Rule(target="custom_fields.a", source="X", lookup={"a": "1", "b": "1"}).writes
    assert Rule(target="custom_fields.a", source="X", lookup={"a": "1", "b": "2"}).writes
    with pytest.raises(SpecError, match="cannot run on writes"):
        load(
            "object: invoice\nrules:\n  - target: custom_fields.a\n    expr: X\n"
            "    direction: write\n"
        )


def test_from_data_validates_an_api_body_the_same_way() -> None:
    spec = from_data({"object": "invoice", "rules": [{"target": "custom_fields.a", "source": "B"}]})
    assert isinstance(spec, MappingSpec)
    with pytest.raises(SpecError) as caught:
        from_data({"object": "invoice", "rules": [{"target": "nope", "source": "B"}]})
    assert caught.value.as_list()[0]["where"] == "rules[0].target"


def test_with_rules_replaces_a_target_already_bound() -> None:
    spec = load(GOOD)
    newer = spec.with_rules([Rule(target="custom_fields.po_number", source="PurchaseOrder")])
    assert len(newer.rules) == len(spec.rules)
    assert newer.rules[-1].source == "PurchaseOrder"


def test_paths_read_and_write_lists_and_selected_elements() -> None:
    doc = {"A": [{"T": [{"N": "x", "O": 1}, {"N": "y", "O": 2}]}, {"T": [{"N": "y", "O": 3}]}]}
    assert list(values(doc, parse("A[].T[N=y].O"))) == [((0,), 2), ((1,), 3)]
    assert list(values(doc, parse("A[].T[].O"))) == [((0, 0), 1), ((0, 1), 2), ((1, 0), 3)]
    out: dict[str, object] = {}
    put(out, parse("A[].T[N=z].O"), (1,), 9)
    assert out == {"A": [{}, {"T": [{"N": "z", "O": 9}]}]}
    with pytest.raises(PathError, match="is not a field name"):
        parse("A..B")
    with pytest.raises(PathError, match="1 list levels, got 0"):
        put(out, parse("A[].B"), (), 1)
    assert parse("invoice.lines[].x", object_name="invoice").text == "invoice.lines[].x"
    assert str(parse("invoice.lines[].x", object_name="invoice").steps[0]) == "lines[]"


def test_list_steps_pass_through_odata_v2_result_wrappers_on_reads() -> None:
    doc = {"to_Item": {"results": [{"CostCenter": "C1"}, {"CostCenter": "C2"}]}}
    assert list(values(doc, parse("to_Item[].CostCenter"))) == [((0,), "C1"), ((1,), "C2")]
    tagged = {"Tags": {"results": [{"K": "a", "V": 1}]}}
    assert list(values(tagged, parse("Tags[K=a].V"))) == [((), 1)]
    body: dict[str, object] = {}
    put(body, parse("to_Item[].CostCenter"), (1,), "C2")
    assert body == {"to_Item": [{}, {"CostCenter": "C2"}]}  # a deep insert takes the plain list
