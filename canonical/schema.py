"""JSON Schema (draft 2020-12) of each canonical object, as platforms and tests read it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from canonical.catalogue import OBJECTS
from canonical.events import Event

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(object_name: str) -> dict[str, Any]:
    """The JSON Schema of one canonical object (or `event`) as input documents must satisfy it."""
    model = Event if object_name == "event" else OBJECTS[object_name]
    schema = model.model_json_schema(mode="validation")
    generated: frozenset[str] = getattr(model, "GENERATED", frozenset())
    if "required" in schema:
        schema["required"] = [f for f in schema["required"] if f not in generated]
    if model.model_computed_fields:
        # A record's own JSON carries its computed fields; accept them, marked read-only.
        produced = model.model_json_schema(mode="serialization")["properties"]
        for name in model.model_computed_fields:
            schema["properties"][name] = {**produced[name], "readOnly": True}
    return {"$schema": DIALECT, "$id": f"urn:ledgerhub:canonical:v1:{object_name}", **schema}


def export_schemas(directory: Path) -> list[Path]:
    """Write `<object>.schema.json` for every object and the event envelope; return the files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [*OBJECTS, "event"]:
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(json_schema(name), indent=2, sort_keys=False) + "\n")
        written.append(path)
    return written
