"""The path catalogue: every canonical path with its type, whether required, and what it means.

The mapping engine maps onto these paths; `hub schema paths` prints them. A path is the object in
snake_case, then its fields, `[]` for each list element and `.` into maps
(`invoice.lines[].dimensions.cost_center`).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from canonical.base import CanonicalModel, Record
from canonical.invoice import STANDARD_DIMENSIONS, Invoice
from canonical.journal import JournalEntry
from canonical.party import Customer, Supplier
from canonical.payment import Payment
from canonical.reference import Account, Dimension, TaxRate
from canonical.types import Kind

OBJECTS: dict[str, type[Record]] = {
    cls.OBJECT: cls
    for cls in (Supplier, Customer, Invoice, Payment, JournalEntry, Account, TaxRate, Dimension)
}
"""Every canonical object by name."""

OPEN_MAPS = ("custom_fields", "dimensions")
"""Map fields whose keys are open: `<path>.<any key>` is a valid canonical path."""


@dataclass(frozen=True)
class PathInfo:
    """One entry of the catalogue."""

    path: str
    object: str
    type: str
    required: bool
    description: str
    enum_values: tuple[str, ...] = ()
    read_only: bool = False

    @property
    def in_list(self) -> bool:
        """True when the path is inside a list element (`invoice.lines[].net_amount`)."""
        return "[]" in self.path


_BASE_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (Decimal, "decimal"),
    (datetime, "datetime"),
    (date, "date"),
    (str, "string"),
    (dict, "map"),
)


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _kind_of(annotation: Any, metadata: list[Any]) -> tuple[str, tuple[str, ...]]:
    for m in metadata:
        if isinstance(m, Kind):
            return m.name, ()
    annotation = _strip_optional(annotation)
    if get_origin(annotation) is Annotated:
        return _kind_of(get_args(annotation)[0], list(annotation.__metadata__))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "enum", tuple(str(e.value) for e in annotation)
    origin = get_origin(annotation) or annotation
    if origin in (Union, types.UnionType):
        return "any", ()
    for base, name in _BASE_TYPES:
        if isinstance(origin, type) and issubclass(origin, base):
            return name, ()
    return "any", ()


def _walk(
    model: type[CanonicalModel], prefix: str, obj: str, parent_required: bool
) -> list[PathInfo]:
    out: list[PathInfo] = []
    generated: frozenset[str] = getattr(model, "GENERATED", frozenset())
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}"
        required = field.is_required() and name not in generated and parent_required
        annotation = _strip_optional(field.annotation)
        description = field.description or ""
        origin = get_origin(annotation)
        if origin is list:
            (inner,) = get_args(annotation)
            inner = _strip_optional(inner)
            if isinstance(inner, type) and issubclass(inner, CanonicalModel):
                out.append(PathInfo(path, obj, "list", required, description))
                out.extend(_walk(inner, f"{path}[]", obj, True))
                continue
            kind, _ = _kind_of(inner, [])
            out.append(PathInfo(f"{path}[]", obj, kind, False, description))
            continue
        if isinstance(annotation, type) and issubclass(annotation, CanonicalModel):
            out.append(PathInfo(path, obj, "object", required, description))
            out.extend(_walk(annotation, path, obj, False))
            continue
        kind, values = _kind_of(field.annotation, field.metadata)
        out.append(PathInfo(path, obj, kind, required, description, values))
        if name == "dimensions":
            for dim in STANDARD_DIMENSIONS:
                label = dim.replace("_", " ")
                out.append(PathInfo(f"{path}.{dim}", obj, "string", False, f"The {label} code."))
    for name, computed in model.model_computed_fields.items():
        kind, _ = _kind_of(computed.return_type, [])
        out.append(
            PathInfo(
                f"{prefix}.{name}", obj, kind, False, computed.description or "", read_only=True
            )
        )
    return out


def catalogue(object_name: str | None = None) -> list[PathInfo]:
    """Every canonical path, or those of one object (`invoice`), in declaration order."""
    names = [object_name] if object_name else list(OBJECTS)
    out: list[PathInfo] = []
    for name in names:
        if name not in OBJECTS:
            known = ", ".join(OBJECTS)
            raise KeyError(f"unknown canonical object '{name}' (known: {known})")
        out.extend(_walk(OBJECTS[name], name, name, True))
    return out


_INDEX: dict[str, PathInfo] = {}


def lookup(path: str) -> PathInfo | None:
    """The catalogue entry of `path`; open-map keys (`invoice.custom_fields.x`) are strings."""
    if not _INDEX:
        _INDEX.update((p.path, p) for p in catalogue())
    if path in _INDEX:
        return _INDEX[path]
    head, _, key = path.rpartition(".")
    parent = _INDEX.get(head)
    if parent is not None and parent.type == "map" and head.rsplit(".", 1)[-1] in OPEN_MAPS and key:
        return PathInfo(path, parent.object, "string", False, f"{parent.description} (key '{key}')")
    return None
