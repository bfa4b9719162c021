"""Tenant custom fields round-trip through each ERP: written on a write, read back on a sync.

Per ERP (`CASES`): the custom fields a tenant declares, where the connection binds them (the
ERP's own places), and a bill that carries them. The bill is written through the adapter to the
ERP's sandbox, the ERP's invoices are read back in full, and the same values come back in
canonical `custom_fields`, on the header and on the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from canonical import Invoice, Record
from connectors.base import Connector
from connectors.registry import adapters
from mappings.apply import ConnectionMapping
from mappings.customfields import Binding, CustomFieldDef, binding_rules, check_binding
from mappings.spec import MappingSpec
from tests.contract.adapter_fixtures import NETSUITE, SAP, XERO, ErpUnderTest, read_all

pytestmark = pytest.mark.contract

COST_CENTER = CustomFieldDef(
    key="cost_center", level="line", allowed=("Research", "Sales"), required=True
)
PROJECT = CustomFieldDef(key="project", objects=("invoice", "payment"))


@dataclass(frozen=True)
class Case:
    """One ERP's custom-field round trip."""

    erp: ErpUnderTest
    bindings: tuple[Binding, ...]
    bill: Callable[[Connector], Record]
    definitions: tuple[CustomFieldDef, ...] = (COST_CENTER, PROJECT)


def _xero_bill(connector: Connector) -> Record:
    found = read_all(connector, ["contacts", "accounts"]).lines
    supplier = next(
        line["record"]
        for line in found
        if line["object"] == "supplier" and line["record"]["status"] == "active"
    )
    expense = next(
        line["record"]
        for line in found
        if line["object"] == "account" and line["record"].get("type") == "expense"
    )
    today = datetime.now(UTC).date()
    return Invoice.parse(
        {
            "direction": "payable",
            "number": "CF-ROUND-TRIP-1",
            "party_id": supplier["id"],
            "issue_date": today.isoformat(),
            "due_date": (today + timedelta(days=30)).isoformat(),
            "currency": supplier.get("currency") or "GBP",
            "status": "authorised",
            "tax_mode": "no_tax",
            "custom_fields": {"project": "PRJ-42"},
            "lines": [
                {
                    "line_number": 1,
                    "description": "Lab time",
                    "quantity": "1",
                    "unit_price": "100.00",
                    "net_amount": "100.00",
                    "account_code": expense["code"],
                    "custom_fields": {"cost_center": "Research"},
                },
                {
                    "line_number": 2,
                    "description": "Demo kit",
                    "quantity": "1",
                    "unit_price": "50.00",
                    "net_amount": "50.00",
                    "account_code": expense["code"],
                    "custom_fields": {"cost_center": "Sales"},
                },
            ],
        }
    )


def _sap_bill(connector: Connector) -> Record:
    return Invoice.parse(
        {
            "direction": "payable",
            "number": "CF-ROUND-TRIP-1",
            "status": "authorised",
            "party_id": connector.ids.hub_id("supplier", "10100001"),
            "issue_date": "2025-11-03",
            "due_date": "2025-12-03",
            "currency": "GBP",
            "tax_mode": "no_tax",
            "custom_fields": {"project": "PRJ-42"},
            "lines": [
                {
                    "net_amount": "100.00",
                    "account_code": "61000000",
                    "custom_fields": {"cost_center": "Research"},
                },
                {
                    "net_amount": "50.00",
                    "account_code": "61000000",
                    "custom_fields": {"cost_center": "Sales"},
                },
            ],
            "total": "150.00",
        }
    )


def _netsuite_bill(connector: Connector) -> Record:
    found = read_all(connector, ["vendors", "accounts"]).lines
    vendor = next(line["record"] for line in found if line["object"] == "supplier")
    expense = next(
        line["record"]["code"]
        for line in found
        if line["object"] == "account" and line["record"]["type"] == "expense"
    )
    lines = [
        {"description": what, "net_amount": amount, "account_code": expense,
         "custom_fields": {"cost_center": cc}}
        for what, amount, cc in (("Lab time", "100.00", "Research"), ("Demo kit", "50.00", "Sales"))
    ]  # fmt: skip
    return Invoice.parse(
        {
            "direction": "payable",
            "number": "CF-ROUND-TRIP-1",
            "party_id": vendor["id"],
            "issue_date": "2026-03-15",
            "due_date": "2026-04-14",
            "currency": "USD",
            "status": "authorised",
            "tax_mode": "no_tax",
            "custom_fields": {"project": "PRJ-42"},
            "lines": lines,
        }
    )


CASES: dict[str, Case] = {
    "netsuite": Case(
        erp=NETSUITE,
        bindings=(
            Binding(key="cost_center", place="custcol", param="custcol_cost_center"),
            Binding(key="project", place="custbody", param="custbody_project_code"),
        ),
        bill=_netsuite_bill,
    ),
    "sap": Case(
        erp=SAP,
        bindings=(
            Binding(key="cost_center", place="profit_center"),
            Binding(key="project", place="extension_field", param="YY1_LedgerhubRef_MIH"),
        ),
        bill=_sap_bill,
    ),
    "xero": Case(
        erp=XERO,
        bindings=(
            Binding(key="cost_center", place="tracking", param="Department"),
            Binding(key="project", place="reference"),
        ),
        bill=_xero_bill,
    ),
}


def _mapping(connector: Connector, case: Case) -> ConnectionMapping:
    places = type(connector).CUSTOM_FIELD_PLACES
    accepted: list[Binding] = []
    for binding in case.bindings:
        definition = next(d for d in case.definitions if d.key == binding.key)
        assert check_binding(definition, binding, places, accepted, type(connector).ERP) == []
        accepted.append(binding)
    rules = binding_rules(case.definitions, accepted, places, "invoice")
    return ConnectionMapping({"invoice": MappingSpec(object="invoice", rules=tuple(rules))})


def test_every_erp_with_custom_field_places_has_a_round_trip_case() -> None:
    with_places = {name for name, spec in adapters().items() if spec.connector.CUSTOM_FIELD_PLACES}
    assert with_places <= set(CASES), f"no custom-field round trip for {with_places - set(CASES)}"
    assert {"xero", "sap", "netsuite"} <= with_places


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bill_with_custom_fields_comes_back_with_the_same_values(name: str) -> None:
    case = CASES[name]
    sandbox = case.erp.start_sandbox(seed=7, records=20)
    try:
        with case.erp.connector(sandbox) as connector:
            connector.mapping = _mapping(connector, case)
            bill = case.bill(connector)
            (result,) = connector.write("invoice", [bill], idempotency_key="cf-round-trip-1")
            assert result.ok, result.error
            assert result.record is not None
            # What the ERP answered already carries the fields.
            assert result.record.custom_fields["project"] == "PRJ-42"
            invoices = [r.name for r in connector.RESOURCES if "invoice" in r.objects]
            back = read_all(connector, invoices).lines
    finally:
        sandbox.stop()
    stored = next(
        line["record"]
        for line in back
        if line["object"] == "invoice" and line["record"]["remote_id"] == result.remote_id
    )
    assert stored["custom_fields"]["project"] == "PRJ-42"
    assert [line["custom_fields"]["cost_center"] for line in stored["lines"]] == [
        "Research",
        "Sales",
    ]
    assert [Decimal(line["net_amount"]) for line in stored["lines"]] == [
        Decimal("100.00"),
        Decimal("50.00"),
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_without_the_bindings_the_fields_do_not_come_back(name: str) -> None:
    """The round trip above is the bindings' doing, not the adapter's built-in translation."""
    case = CASES[name]
    sandbox = case.erp.start_sandbox(seed=7, records=20)
    try:
        with case.erp.connector(sandbox) as connector:
            connector.mapping = _mapping(connector, case)
            (result,) = connector.write(
                "invoice", [case.bill(connector)], idempotency_key="cf-round-trip-2"
            )
            assert result.ok, result.error
            connector.mapping = None
            resources = [r.name for r in connector.RESOURCES if "invoice" in r.objects]
            back = read_all(connector, resources)
    finally:
        sandbox.stop()
    stored = next(
        line["record"] for line in back.lines if line["record"]["remote_id"] == result.remote_id
    )
    assert "project" not in stored["custom_fields"]
    assert all("cost_center" not in line.get("custom_fields", {}) for line in stored["lines"])
