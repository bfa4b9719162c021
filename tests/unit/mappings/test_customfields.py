"""Tenant custom fields: definitions, validation on writes, places and bindings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from mappings.apply import apply_read, apply_write
from mappings.customfields import (
    Binding,
    CustomFieldDef,
    Place,
    binding_rules,
    check_binding,
    check_record,
    with_bindings,
)

COST_CENTER = CustomFieldDef(
    key="cost_center", type="string", required=True, allowed=("CC-100", "CC-200"), level="line"
)
PROJECT = CustomFieldDef(key="project", objects=("invoice", "payment"))
APPROVED = CustomFieldDef(key="approved_on", type="date")
TRACKING = Place(
    name="tracking",
    label="tracking category",
    paths={("invoice", "line"): "LineItems[].Tracking[Name={param}].Option"},
    param="category name",
    example="Department",
    limit=2,
    limit_reason="Xero allows two active tracking categories per organisation.",
)
REFERENCE = Place(
    name="reference",
    label="reference",
    paths={("invoice", "header"): "Reference", ("payment", "header"): "Reference"},
)


def test_definitions_refuse_bad_keys_objects_and_levels() -> None:
    with pytest.raises(ValidationError, match="must be snake_case"):
        CustomFieldDef(key="Cost Center")
    with pytest.raises(ValidationError, match="unknown canonical object"):
        CustomFieldDef(key="x", objects=("bill",))
    with pytest.raises(ValidationError, match="payment has no lines"):
        CustomFieldDef(key="x", objects=("payment",), level="line")
    assert COST_CENTER.paths("invoice") == "lines[].custom_fields.cost_center"


def test_writes_are_checked_with_the_path_of_each_problem() -> None:
    data = {
        "custom_fields": {"project": 7, "approved_on": "2026-01-01"},
        "lines": [
            {"custom_fields": {"cost_center": "CC-100"}},
            {"custom_fields": {}},
            {"custom_fields": {"cost_center": "CC-999"}},
        ],
    }
    issues = {str(i) for i in check_record([COST_CENTER, PROJECT, APPROVED], "invoice", data)}
    assert issues == {
        "invoice.lines[1].custom_fields.cost_center: is required (cost_center)",
        (
            "invoice.lines[2].custom_fields.cost_center: 'CC-999' is not allowed "
            "(allowed: CC-100, CC-200)"
        ),
        "invoice.custom_fields.project: must be a string, not int 7",
        "invoice.custom_fields.approved_on: must be a date, not str '2026-01-01'",
    }
    good = {
        "custom_fields": {"project": "P-1", "approved_on": date(2026, 1, 1)},
        "lines": [{"custom_fields": {"cost_center": "CC-200"}}],
    }
    assert check_record([COST_CENTER, PROJECT, APPROVED], "invoice", good) == []
    # Definitions for other objects do not apply.
    assert check_record([COST_CENTER], "payment", {}) == []


def test_decimal_and_integer_fields() -> None:
    amount = CustomFieldDef(key="budget", type="decimal")
    count = CustomFieldDef(key="seats", type="integer")
    assert (
        check_record(
            [amount, count], "invoice", {"custom_fields": {"budget": Decimal("1.5"), "seats": 3}}
        )
        == []
    )
    issues = check_record(
        [amount, count], "invoice", {"custom_fields": {"budget": "1.5", "seats": Decimal("2.5")}}
    )
    assert [i.path for i in issues] == [
        "invoice.custom_fields.budget",
        "invoice.custom_fields.seats",
    ]


def test_a_binding_needs_a_place_that_fits_the_field() -> None:
    places = [TRACKING, REFERENCE]
    ok = Binding(key="cost_center", place="tracking", param="Department")
    assert check_binding(COST_CENTER, ok, places, [], "xero") == []
    missing = check_binding(
        COST_CENTER, Binding(key="cost_center", place="tracking"), places, [], "xero"
    )
    assert (
        missing[0].message
        == "the tracking category place needs the category name (e.g. Department)"
    )
    wrong_level = check_binding(
        PROJECT, Binding(key="project", place="tracking", param="P"), places, [], "xero"
    )
    assert "cannot hold a header field of invoice" in wrong_level[0].message
    nowhere = check_binding(PROJECT, Binding(key="project", place="custbody"), places, [], "xero")
    assert "xero has no custom-field place 'custbody' (places: tracking, reference)" in (
        nowhere[0].message
    )


def test_a_third_tracking_category_is_refused_and_says_why() -> None:
    existing = [
        Binding(key="cost_center", place="tracking", param="Department"),
        Binding(key="region", place="tracking", param="Region"),
    ]
    third = CustomFieldDef(key="project", level="line")
    problems = check_binding(
        third,
        Binding(key="project", place="tracking", param="Project"),
        [TRACKING],
        existing,
        "xero",
    )
    assert len(problems) == 1
    message = problems[0].message
    assert "xero allows at most 2 tracking category field(s) and 2 are bound already" in message
    assert "cost_center (Department), region (Region)" in message
    assert "two active tracking categories per organisation" in message
    # Re-binding a field already there is not a third one.
    again = Binding(key="region", place="tracking", param="Region")
    region = CustomFieldDef(key="region", level="line")
    assert check_binding(region, again, [TRACKING], existing, "xero") == []
    # Two fields in one category clash.
    clash = check_binding(
        third,
        Binding(key="project", place="tracking", param="Region"),
        [TRACKING],
        existing,
        "xero",
    )
    assert "already holds custom field 'region'" in clash[0].message


def test_bindings_become_two_way_rules() -> None:
    bindings = [
        Binding(key="cost_center", place="tracking", param="Department"),
        Binding(key="approved_on", place="reference"),
    ]
    rules = binding_rules(
        [COST_CENTER, APPROVED, PROJECT], bindings, [TRACKING, REFERENCE], "invoice"
    )
    spec = with_bindings(None, rules, "invoice")
    assert spec is not None
    canonical = {
        "custom_fields": {"approved_on": date(2026, 3, 1)},
        "lines": [{"custom_fields": {"cost_center": "CC-100"}}],
    }
    payload = apply_write(spec, canonical, {"LineItems": [{"Description": "x"}]})
    assert payload == {
        "Reference": "2026-03-01",
        "LineItems": [
            {"Description": "x", "Tracking": [{"Name": "Department", "Option": "CC-100"}]}
        ],
    }
    assert apply_read(spec, payload, {"lines": [{}]}) == canonical
    assert binding_rules([COST_CENTER], bindings, [TRACKING], "payment") == []
