"""Creating and updating documents with Xero's validation.

Each element is checked against the store and against the elements before it in the same
request (names taken, amounts already paid), then applied. Messages are Xero's own where its
description shows them ("Invoice # must be unique.", "Payment amount exceeds the amount
outstanding on this document", "The total debits (...) must equal total credits (...)", the
duplicate contact name); other wording is the sandbox's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.sandbox.writes_base import Doc, Invalid, Outcome, WriteBatch
from connectors.xero.sandbox.writes_contacts import write_contact
from connectors.xero.sandbox.writes_invoices import write_invoice
from connectors.xero.sandbox.writes_money import write_journal, write_payment

__all__ = ["Outcome", "WriteBatch", "apply_element"]


def apply_element(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, *, dry_run: bool
) -> Outcome:
    """Validate one element and, unless `dry_run`, store it. Never raises for bad data."""
    handler: Callable[..., Doc] = {
        "contacts": write_contact,
        "invoices": write_invoice,
        "credit_notes": write_invoice,
        "payments": write_payment,
        "manual_journals": write_journal,
    }[name]
    try:
        return Outcome(handler(state, name, copy.deepcopy(element), batch, dry_run), [])
    except Invalid as exc:
        return Outcome(None, exc.messages)
