"""`hub schema`: the canonical path catalogue and the JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from canonical import OBJECTS, catalogue
from canonical.schema import export_schemas

app = typer.Typer(
    help="The canonical model: its path catalogue and JSON Schemas.", no_args_is_help=True
)


@app.command("paths")
def paths(
    object_name: Annotated[
        str | None,
        typer.Option("--object", help=f"Only this object: {', '.join(OBJECTS)}."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON lines instead of a table.")
    ] = False,
) -> None:
    """Print every canonical path with its type, whether required, and its meaning.

    Example: hub schema paths --object invoice
    """
    if object_name is not None and object_name not in OBJECTS:
        typer.echo(f"error: unknown object '{object_name}'; known: {', '.join(OBJECTS)}", err=True)
        raise typer.Exit(2)
    entries = catalogue(object_name)
    if as_json:
        for e in entries:
            row = {
                "path": e.path,
                "type": e.type,
                "required": e.required,
                "description": e.description,
            }
            if e.enum_values:
                row["values"] = list(e.enum_values)
            typer.echo(json.dumps(row))
        return
    from hub.cli.common import table

    rows = [
        (
            e.path,
            f"enum: {' | '.join(e.enum_values)}" if e.enum_values else e.type,
            "yes" if e.required else "",
            e.description,
        )
        for e in entries
    ]
    table("Canonical paths", ["path", "type", "required", "description"], rows, ids=["path"])


@app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the schema files into.")],
) -> None:
    """Write one JSON Schema (draft 2020-12) per canonical object into DIRECTORY.

    Example: hub schema export ./schemas
    """
    for path in export_schemas(directory):
        typer.echo(str(path))


def register(root: typer.Typer) -> None:
    """Add `hub schema` to the root command."""
    root.add_typer(app, name="schema")
