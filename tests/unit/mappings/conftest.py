"""Shared fixtures: a small field list of a made-up accounting system (not a labelled ERP)."""

from typing import Any

import pytest

from mappings.suggest import FieldList

ACME_BILL: dict[str, Any] = {
    "system": "acme",
    "object": "PurchaseInvoice",
    "target_object": "invoice",
    "fields": [
        {"path": "DocNo", "type": "string", "description": "Invoice number on the document"},
        {"path": "TxnDate", "type": "date", "examples": ["2024-01-31"]},
        {"path": "DueDt", "type": "date"},
        {"path": "CurrencyCode", "type": "string", "examples": ["EUR", "USD"]},
        {"path": "TotalAmt", "type": "decimal"},
        {"path": "SyncToken", "type": "string", "description": "Version for optimistic locking"},
        {"path": "Line[].Amount", "type": "decimal"},
        {"path": "Line[].Qty", "type": "number"},
        {"path": "Line[].CostCenter", "type": "string"},
        {"path": "VendorRef", "type": "string"},
        {"path": "Line[].AccountRef.value", "type": "string"},
    ],
}


@pytest.fixture
def acme_bill() -> FieldList:
    """The made-up bill's field list."""
    return FieldList.model_validate(ACME_BILL)
