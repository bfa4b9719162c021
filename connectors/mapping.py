"""Building canonical records in an adapter's translation, with errors that name both sides.

Every adapter maps its ERP's fields to canonical paths. When the record it builds is not valid,
the error must say which ERP field and which canonical path are at fault:
`SAP A_SupplierInvoice '5100000001/2025': InvoiceGrossAmount -> invoice.total: ...`. Adapters
declare a {canonical path: ERP field} table per object and call `build_record`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from canonical import CanonicalValidationError, Record
from connectors.errors import MappingError

__all__ = ["build_record", "erp_field_for", "field_error", "text"]

R = TypeVar("R", bound=Record)
_INDEX = re.compile(r"\[(\d+)\]")


def erp_field_for(path: str, fields: Mapping[str, str]) -> str:
    """The ERP field of a canonical path, by the longest declared prefix, indices carried over.

    With `{"invoice.lines[].net_amount": "to_Item[].NetAmount"}`, the path
    `invoice.lines[2].net_amount` gives `to_Item[2].NetAmount`; an undeclared path gives `?`.
    """
    indices = _INDEX.findall(path)
    key = _INDEX.sub("[]", path)
    while key:
        if key in fields:
            target = fields[key]
            for index in indices:
                if "[]" not in target:
                    break
                target = target.replace("[]", f"[{index}]", 1)
            return target
        cut = max(key.rfind("."), key.rfind("["))
        key = key[:cut] if cut > 0 else ""
    return "?"


def field_error(subject: str, erp_field: str, path: str, reason: str) -> MappingError:
    """A MappingError for one field: `<subject>: <ERP field> -> <canonical path>: <reason>`."""
    detail = f"{erp_field} -> {path}: {reason}"
    return MappingError(f"{subject}: {detail}", details=[detail])


def build_record(
    cls: type[R], data: dict[str, Any], *, subject: str, fields: Mapping[str, str]
) -> R:
    """Validate `data` as canonical `cls`; every violation names the ERP field and the path.

    U+0000 is not text, and canonical strings refuse it; an ERP that stores one in a name (a
    C string terminator left in a field) still gives a record: without the NUL. The raw payload
    the hub stores keeps it exactly.
    """
    try:
        try:
            return cls.parse(data)
        except CanonicalValidationError as exc:
            if not any(v.code == "string_pattern_mismatch" for v in exc.violations):
                raise
            # The ERP's own payload (`remote_data`) is kept as it came.
            cleaned = {k: v if k == "remote_data" else _without_nul(v) for k, v in data.items()}
            return cls.parse(cleaned)
    except CanonicalValidationError as exc:
        details = [
            f"{erp_field_for(v.path, fields)} -> {v.path}: {v.reason}" for v in exc.violations
        ]
        message = f"{subject} cannot become a valid {cls.OBJECT}: "
        raise MappingError(message + "; ".join(details), details=details) from None


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def text(value: str | None) -> str | None:
    """The value with surrounding blanks removed; None for None or an empty string."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None
