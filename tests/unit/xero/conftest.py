"""Shared helpers for the Xero model and translation tests: fixtures and a translation context."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from canonical import Record
from connectors.ids import StableIds
from connectors.xero.translate import MODELS, TO_CANONICAL, TranslateContext

FIXTURES = Path(__file__).parent / "fixtures"

FILES = {
    "Contacts": "contacts.json",
    "Invoices": "invoices.json",
    "CreditNotes": "credit_notes.json",
    "Payments": "payments.json",
    "BatchPayments": "batch_payments.json",
    "Overpayments": "overpayments.json",
    "Prepayments": "prepayments.json",
    "ManualJournals": "manual_journals.json",
    "Accounts": "accounts.json",
    "TaxRates": "tax_rates.json",
    "TrackingCategories": "tracking_categories.json",
}


def items(collection: str) -> list[dict[str, Any]]:
    """The items of a collection's fixture, numbers read as Decimal."""
    text = (FIXTURES / FILES[collection]).read_text()
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    result: list[dict[str, Any]] = data[collection]
    return result


def item(collection: str, **match: Any) -> dict[str, Any]:
    """The one fixture item whose fields equal `match`."""
    found = [i for i in items(collection) if all(i.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"{len(found)} items of {collection} match {match}"
    return found[0]


def new_context(**kw: Any) -> TranslateContext:
    """A context with stable ids, NZD, and the fixtures' tracking categories."""
    options: dict[str, Any] = {
        "connection_id": "con_test",
        "ids": StableIds("con_test"),
        "base_currency": "NZD",
        "tracking_kinds": {"Region": "location", "Cost Centre": "cost_center"},
    }
    options.update(kw)
    return TranslateContext(**options)


def to_canonical(collection: str, payload: dict[str, Any], ctx: TranslateContext) -> list[Record]:
    """Parse `payload` with the collection's model and translate it."""
    return TO_CANONICAL[collection](MODELS[collection].model_validate(payload), ctx, payload)


@pytest.fixture
def ctx() -> TranslateContext:
    """A fresh translation context."""
    return new_context()
