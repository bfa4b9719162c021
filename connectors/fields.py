"""An adapter's field catalogue: the ERP paths its payload models declare, per canonical object.

Mapping specs are checked against it (`mappings.spec.FieldCatalogue`), so a misspelt ERP field
is an error naming the spec's line instead of a rule that silently never matches. Paths use the
ERP's own names (the models' aliases) and `[]` for lists: `LineItems[].Tracking[].Option`. The
places an adapter declares for custom fields add open prefixes (NetSuite's `custbody_...`).
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from connectors.base import Connector
from mappings.spec import FieldCatalogue

MAX_DEPTH = 4


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            return annotation
        annotation = args[0]
    return annotation


def model_paths(
    model: type[BaseModel], prefix: str = "", depth: int = 0, above: frozenset[type] = frozenset()
) -> set[str]:
    """Every path of `model` by alias, lists as `[]`, nested models walked to MAX_DEPTH.

    A model is not entered again below itself (an invoice's payment's invoice ...).
    """
    out: set[str] = set()
    above = above | {model}
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        annotation = _unwrap(info.annotation)
        if get_origin(annotation) is list:
            path += "[]"
            (annotation,) = get_args(annotation) or (Any,)
            annotation = _unwrap(annotation)
        out.add(path)
        nested = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if nested and depth < MAX_DEPTH and annotation not in above:
            out |= model_paths(annotation, path + ".", depth + 1, above)
    return out


def field_catalogue(connector: type[Connector], object_name: str) -> FieldCatalogue:
    """The ERP fields `connector`'s resources carry for `object_name`."""
    paths: set[str] = set()
    for resource in connector.RESOURCES:
        if object_name in resource.objects:
            paths |= model_paths(resource.model)
    prefixes = tuple(p for place in connector.CUSTOM_FIELD_PLACES for p in place.prefixes)
    return FieldCatalogue(connector.ERP, frozenset(paths), prefixes)
