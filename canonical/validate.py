"""Validate a document of any canonical object, collecting errors and notices together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from canonical import jsonio
from canonical.base import Record
from canonical.catalogue import OBJECTS
from canonical.errors import CanonicalValidationError, Violation
from canonical.taxnumbers import check_tax_number


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one document: the record, or its violations; notices either way."""

    object_name: str
    record: Record | None
    violations: tuple[Violation, ...] = ()
    notices: tuple[Violation, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the document is valid."""
        return self.record is not None


def _notices(object_name: str, data: Mapping[str, Any]) -> list[Violation]:
    notices = []
    number = data.get("tax_number")
    if object_name in {"supplier", "customer"} and isinstance(number, str) and number:
        addresses = data.get("addresses") or []
        countries = [a.get("country") for a in addresses if isinstance(a, Mapping)]
        check = check_tax_number(number, next((c for c in countries if isinstance(c, str)), None))
        if check.valid is None:
            notices.append(Violation(f"{object_name}.tax_number", check.message, "unchecked"))
    return notices


def validate_document(object_name: str, data: Mapping[str, Any] | str | bytes) -> ValidationReport:
    """Validate `data` as `object_name`; raises only for an unknown object, never for bad data."""
    if object_name not in OBJECTS:
        raise KeyError(f"unknown canonical object '{object_name}' (known: {', '.join(OBJECTS)})")
    if isinstance(data, str | bytes):
        data = jsonio.loads(data)
        if not isinstance(data, Mapping):
            violation = Violation(object_name, "a document must be a JSON object", "type")
            return ValidationReport(object_name, None, (violation,))
    notices = tuple(_notices(object_name, data))
    try:
        record = OBJECTS[object_name].parse(data)
    except CanonicalValidationError as exc:
        return ValidationReport(object_name, None, exc.violations, notices)
    return ValidationReport(object_name, record, (), notices)
