"""What every write validator shares: the error type, look-ups and parsing helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.sandbox.store import Record
from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.wire import parse_ms_datetime

__all__ = [
    "Doc",
    "Invalid",
    "Outcome",
    "WriteBatch",
    "day_of",
    "decimal_of",
    "existing",
    "new_id",
    "save",
]

Doc = dict[str, Any]


@dataclass
class WriteBatch:
    """What earlier elements of the same request already claimed."""

    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    paid: dict[str, Decimal] = field(default_factory=dict)  # invoice id -> paid in a dry run


@dataclass
class Outcome:
    """The result of one element: the stored document, or the errors."""

    doc: Doc | None
    errors: list[str]


def new_id() -> str:
    """A fresh random GUID for a created document."""
    return str(uuid.uuid4())


class Invalid(Exception):
    """An element failed validation; `messages` are its ValidationErrors."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def existing(state: XeroSandboxState, name: str, element: Doc) -> Record | None:
    """The stored record an element updates (by its id field), None for a create."""
    spec = state.store[name].spec
    ident = element.get(spec.id_field)
    if not ident:
        return None
    record = state.store[name].get(str(ident))
    if record is None:
        kind = {"credit_notes": "Credit Note", "manual_journals": "Manual Journal"}.get(
            name, spec.path[:-1]
        )
        raise Invalid(f"An existing {kind} with the specified {spec.id_field} could not be found")
    return record


def day_of(value: Any, default: date) -> date:
    """A date from a Microsoft or ISO date string, `default` when absent."""
    if value in (None, ""):
        return default
    try:
        return parse_ms_datetime(str(value)).date()
    except ValueError as exc:
        raise Invalid(f"The date '{value}' is not valid") from exc


def decimal_of(value: Any, what: str) -> Decimal:
    """A Decimal from a JSON number or string."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Invalid(f"{what} must be a number") from exc


def save(state: XeroSandboxState, name: str, doc: Doc, dry_run: bool) -> Doc:
    """Store the document (stamped now) unless this is a dry run."""
    if not dry_run:
        state.store[name].put(doc, state.now())
    return doc
