"""Inferring a field list from a sample record (paths, types and example values)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mappings.suggest.models import FieldList, FieldSpec

_MAX_EXAMPLES = 5


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "number"
    return "string"


def _walk(value: Any, prefix: str, found: dict[str, list[Any]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _walk(inner, f"{prefix}.{key}" if prefix else str(key), found)
    elif isinstance(value, list):
        path = f"{prefix}[]"
        if not value or not any(isinstance(v, dict | list) for v in value):
            found.setdefault(path, []).extend(v for v in value if v is not None)
        for item in value:
            if isinstance(item, dict | list):
                _walk(item, path, found)
    elif prefix:
        examples = found.setdefault(prefix, [])
        if value is not None and value not in examples:
            examples.append(value)


def field_list_from_sample(
    sample: Any, system: str = "", object_name: str = "", target_object: str | None = None
) -> FieldList:
    """A field list with one entry per leaf path of `sample` (a record or a list of records)."""
    found: dict[str, list[Any]] = {}
    records = sample if isinstance(sample, list) else [sample]
    for record in records:
        if not isinstance(record, dict):
            raise ValueError("a sample must be a JSON object or a list of objects")
        _walk(record, "", found)
    fields = []
    for path, examples in found.items():
        kinds = {_type_of(v) for v in examples}
        kind = (
            kinds.pop()
            if len(kinds) == 1
            else ("number" if kinds <= {"integer", "number"} else "string")
        )
        fields.append(
            FieldSpec(
                path=path,
                type=kind if examples else "",
                examples=[v if not isinstance(v, Decimal) else str(v) for v in examples][
                    :_MAX_EXAMPLES
                ],
            )
        )
    return FieldList(system=system, object=object_name, target_object=target_object, fields=fields)
