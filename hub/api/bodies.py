"""The canonical JSON Schema of each write body, attached to the OpenAPI description.

`POST /v1/{family}` takes a canonical record plus `connection_id` (required); `PATCH
/v1/{family}/{id}` takes any of the record's fields. Both schemas are the canonical model's own
(`canonical.schema.json_schema`, draft 2020-12, which OpenAPI 3.1 speaks), so what a client
validates against is what the hub validates with: the canonical model parses every body, and
its answer names each field path and the reason (`hub.api.writes`).

Shared definitions (`Address`, `Money`, ...) become `components/schemas/canonical.<Name>`; the
bodies are `canonical.<object>.create` and `canonical.<object>.update`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from canonical.schema import json_schema

PREFIX = "canonical."
_DEFS = "#/$defs/"
_COMPONENTS = "#/components/schemas/"


def _relinked(schema: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(schema).replace(f'"{_DEFS}', f'"{_COMPONENTS}{PREFIX}')
    linked: dict[str, Any] = json.loads(text)
    return linked


@cache
def body_components(objects: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Component schemas for the write bodies of `objects`: shared definitions and bodies."""
    components: dict[str, dict[str, Any]] = {}
    for name in objects:
        schema = json_schema(name)
        for key, definition in schema.pop("$defs", {}).items():
            components[f"{PREFIX}{key}"] = _relinked(definition)
        schema.pop("$schema", None)
        schema.pop("$id", None)
        schema = _relinked(schema)
        create = copy.deepcopy(schema)
        create["required"] = ["connection_id", *create.get("required", [])]
        create["properties"]["connection_id"] = {
            "type": "string",
            "minLength": 1,
            "description": "The connection to write through (one of yours).",
        }
        create["description"] = f"A canonical {name} to create, and the connection to use."
        components[f"{PREFIX}{name}.create"] = create
        update = {
            "type": "object",
            "title": f"{schema.get('title', name)} changes",
            "description": f"Fields of the canonical {name} to change; the others stay.",
            "properties": {
                k: v for k, v in schema["properties"].items() if k not in ("id", "remote_id")
            },
            "additionalProperties": False,
        }
        components[f"{PREFIX}{name}.update"] = update
    return components


def attach(openapi: dict[str, Any], objects: Iterable[str]) -> dict[str, Any]:
    """Put the canonical body schemas of `objects` into an OpenAPI document, as the request
    bodies of the writes (operations `create_<object>` and `update_<object>`)."""
    names = tuple(sorted(set(objects)))
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(body_components(names))
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            verb, _, name = str(operation.get("operationId", "")).partition("_")
            if verb not in ("create", "update") or name not in names:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                ref = f"{_COMPONENTS}{PREFIX}{name}.{verb}"
                content["application/json"]["schema"] = {"$ref": ref}
    return openapi
