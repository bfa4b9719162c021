"""Structure and types: which list a field sits in, and which source types fit which targets."""

from __future__ import annotations

from dataclasses import dataclass

from mappings.suggest.lexicon import GENERIC_LEAVES, LIST_KINDS
from mappings.suggest.tokens import split_name, split_path

_GENERIC_LIST = frozenset({"item", "record", "data", "result", "value", "element", "entry", "row"})
_KIND_PRIORITY = ("line", "address", "bank", "allocation", "tax")

TARGET_LIST_KINDS: dict[str, str] = {
    "lines[]": "line",
    "addresses[]": "address",
    "bank_accounts[]": "bank",
    "allocations[]": "allocation",
}


def _kind_of_tokens(tokens: tuple[str, ...]) -> str | None:
    # The last kind word wins: `SupplierInvoiceTax` is a tax list, `InvoiceItemGLAcct` a line list.
    for tok in reversed(tokens):
        for kind in _KIND_PRIORITY:
            if tok in LIST_KINDS[kind]:
                return kind
    return None


@dataclass(frozen=True)
class Context:
    """Where a source field sits: the innermost list (its path and kind) and the list depth."""

    container: str
    kind: str | None
    depth: int


_OBJECT_KINDS: dict[str, frozenset[str]] = {
    "address": frozenset({"address", "addressbook"}),
    "bank": frozenset({"bank", "banking"}),
}
"""Words that make a plain (non-list) parent object one address or bank account (`BillAddr.City`).

Narrower than the list kinds: a `location` object is more often a reference to a location than
a postal address.
"""

_NOT_POSTAL = frozenset({"website", "email", "url", "web", "ip", "mail", "uri", "phone"})
"""Words that make an "address" an electronic one (`WebAddr`, `EmailAddress`), not a postal one."""


def _object_kind(tokens: tuple[str, ...]) -> str | None:
    """The kind of a plain parent object whose fields are one address or bank account."""
    words = set(tokens)
    if _NOT_POSTAL & words:
        return None
    return next((kind for kind, kw in _OBJECT_KINDS.items() if words & kw), None)


def source_context(path: str) -> Context:
    """The list context of a source path (`expense.items[].amount` -> line list, depth 1).

    A leaf under a plain object that is an address or a bank account (`BillAddr.City`,
    `shipping.address.postal_code`, `bank_details.iban`) is read as the one element of such a
    list: it sits in an address (bank) context like `Addresses[].City` does.
    """
    segs = split_path(path)
    # A trailing `[]` makes the field's value a list (`custom_fields[]`, `RmtInf.Ustrd[]`); the
    # field itself sits where its parent does.
    inner = segs[:-1]
    depth = sum(1 for s in inner if s.is_list)
    container, kind = "", None
    for i, seg in enumerate(inner):
        if not seg.is_list:
            continue
        container = ".".join(s.raw + ("[]" if s.is_list else "") for s in segs[: i + 1])
        toks = seg.tokens
        if (not toks or set(toks) <= _GENERIC_LIST) and i > 0:
            # `apply.items[]`, `addressBook.items[]`: the generic list takes its parent's name.
            toks = segs[i - 1].tokens
        kind = _kind_of_tokens(toks) or "other"
    if len(segs) > 1 and not segs[-2].is_list and not set(segs[-1].tokens) <= GENERIC_LEAVES:
        parent_kind = _object_kind(segs[-2].tokens)
        if parent_kind is not None and parent_kind != kind:
            container = ".".join(s.raw + ("[]" if s.is_list else "") for s in segs[:-1])
            return Context(container, parent_kind, depth + 1)
    return Context(container, kind, depth)


def target_context(path: str) -> tuple[str | None, int]:
    """The list kind (`line`, `address`, ...) of a canonical path and its list depth."""
    depth = path.count("[]")
    for marker, kind in TARGET_LIST_KINDS.items():
        if marker in path:
            return kind, depth
    return ("other" if depth else None), depth


_SOURCE_TYPES: dict[str, str] = {
    "string": "string",
    "str": "string",
    "text": "string",
    "varchar": "string",
    "char": "string",
    "edm.string": "string",
    "textarea": "string",
    "select": "ref",
    "multiselect": "ref",
    "uuid": "id",
    "guid": "id",
    "edm.guid": "id",
    "id": "id",
    "reference": "ref",
    "ref": "ref",
    "number": "number",
    "double": "number",
    "float": "number",
    "decimal": "number",
    "edm.decimal": "number",
    "edm.double": "number",
    "currency": "number",
    "money": "number",
    "amount": "number",
    "percent": "number",
    "currency2": "number",
    "edm.single": "number",
    "integer": "integer",
    "int": "integer",
    "long": "integer",
    "edm.int32": "integer",
    "edm.int16": "integer",
    "edm.int64": "integer",
    "edm.byte": "integer",
    "smallint": "integer",
    "boolean": "boolean",
    "bool": "boolean",
    "edm.boolean": "boolean",
    "checkbox": "boolean",
    "date": "date",
    "edm.date": "date",
    "date-time": "datetime",
    "datetime": "datetime",
    "edm.datetime": "date",
    "edm.datetimeoffset": "datetime",
    "timestamp": "datetime",
    "datetimetz": "datetime",
    "time": "time",
    "edm.time": "time",
    "edm.timeofday": "time",
    "enum": "enum",
    "picklist": "enum",
    "object": "object",
    "array": "array",
    "list": "array",
    "email": "string",
    "url": "string",
    "phone": "string",
}


def normalize_type(raw: str) -> str:
    """A vendor's type name (`Edm.Decimal`, `date-time`, `uuid`) as one of our coarse types."""
    key = raw.strip().lower().split("(")[0]
    if key in _SOURCE_TYPES:
        return _SOURCE_TYPES[key]
    toks = split_name(raw)
    for tok in toks:
        if tok in _SOURCE_TYPES:
            return _SOURCE_TYPES[tok]
    return "unknown"


_COMPAT: dict[str, dict[str, float]] = {
    "string": {
        "string": 1,
        "enum": 0.8,
        "currency": 0.8,
        "country": 0.8,
        "iban": 0.8,
        "bic": 0.8,
        "email": 0.8,
        "id": 0.8,
        "date": 0.3,
        "datetime": 0.3,
        "money": 0.2,
        "decimal": 0.2,
        "integer": 0.3,
        "boolean": 0.1,
        "map": 0.2,
    },
    "ref": {"id": 1, "string": 0.9, "currency": 0.8, "country": 0.8, "enum": 0.7, "integer": 0.1},
    "id": {"id": 1, "string": 0.9, "integer": 0.3},
    "number": {"money": 1, "decimal": 1, "integer": 0.6, "string": 0.2},
    "integer": {"integer": 1, "decimal": 0.6, "money": 0.5, "string": 0.5, "id": 0.5},
    "boolean": {"boolean": 1, "enum": 0.6},
    "date": {"date": 1, "datetime": 0.7},
    "datetime": {"datetime": 1, "date": 0.8},
    "time": {},
    "enum": {"enum": 1, "string": 0.8, "currency": 0.8, "country": 0.7, "boolean": 0.3},
    "object": {"map": 1},
    "array": {"map": 0.8},
}


def type_fit(source_type: str, target_type: str) -> float:
    """How well a coarse source type fits a canonical type (0 none, 1 exact); unknown is 0.5."""
    if source_type == "unknown":
        return 0.5
    return float(_COMPAT.get(source_type, {}).get(target_type, 0.0))
