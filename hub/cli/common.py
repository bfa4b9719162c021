"""Helpers every `hub` command group shares: JSON output, tables, errors with exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from connectors.errors import ConnectorError

if TYPE_CHECKING:
    from hub.jobs.runtime import Runtime

out = Console(width=140)
err = Console(stderr=True)

JSON_OPTION = typer.Option("--json", help="Print JSON for scripts instead of a table.")


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Print data as indented JSON (pydantic views, datetimes and decimals included)."""
    typer.echo(json.dumps(data, default=_default, indent=2))


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a rich table."""
    t = Table(*columns, title=title)
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    out.print(t)


def when(value: datetime | None) -> str:
    """A timestamp for tables."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn expected failures into a one-line message and an exit status (2: usage, 1: failure)."""
    try:
        yield
    except (LookupError, ValueError) as exc:  # LookupError: the store's NotFound, and KeyError
        message = exc.args[0] if exc.args else str(exc)
        err.print(f"[red]error:[/red] {message}")
        raise typer.Exit(2) from None
    except ConnectorError as exc:
        err.print(f"[red]error ({exc.category}):[/red] {exc}")
        raise typer.Exit(1) from None


def get_runtime() -> Runtime:
    """The process's runtime, imported on first use: `hub --help` need not load the store."""
    from hub.jobs.runtime import get_runtime as process_runtime

    return process_runtime()
