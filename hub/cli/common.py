"""Helpers every `hub` command group shares: JSON output, tables, errors with exit codes."""

from __future__ import annotations

import json
import re
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

out = Console()
err = Console(stderr=True, soft_wrap=True)

ID_PATTERN = re.compile(r"^[a-z]{2,5}_[0-9A-Za-z]{10,}$")
"""A hub id (`con_01J...`), a dramatiq message id is matched by its column name instead."""

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


def table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ids: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> None:
    """Print rows: a table fitted to the terminal, or tab-separated lines when piped.

    Ids are never cut: a column named in `ids`, or whose cells look like hub ids, keeps its
    full width on one line; other columns wrap. When even that does not fit the terminal, the
    `optional` columns are dropped, last first (as `kubectl` and `gh` do), and on a terminal
    narrower still each row becomes a block of `column  value` lines. Output that is not a
    terminal is complete: a header line, then one line per row, cells separated by tabs.
    """
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if not out.is_terminal:
        typer.echo("\t".join(columns))
        for row in cells:
            typer.echo("\t".join(_one_line(c) for c in row))
        return
    keep = list(range(len(columns)))
    whole = {
        i
        for i, name in enumerate(columns)
        if name in ids or (cells and any(ID_PATTERN.match(row[i]) for row in cells))
    }
    widths = [max([len(columns[i]), *(len(row[i]) for row in cells)]) for i in keep]

    def needed(indexes: list[int]) -> int:
        return sum(widths[i] if i in whole else min(widths[i], 10) for i in indexes) + (
            3 * len(indexes) + 1
        )

    for name in reversed(optional):
        if needed(keep) <= out.width:
            break
        if name in columns:
            keep.remove(columns.index(name))
    if needed(keep) > out.width:
        # Too narrow for a table with whole ids: one block of `column: value` lines per row.
        out.print(f"[bold]{title}[/bold]")
        label = max(len(columns[i]) for i in keep)
        for row in cells:
            out.print()
            for i in keep:
                out.print(f"{columns[i]:>{label}}  {row[i]}", soft_wrap=i in whole)
        return
    t = Table(title=title)
    for i in keep:
        if i in whole:
            t.add_column(columns[i], no_wrap=True, min_width=widths[i])
        else:
            t.add_column(columns[i], overflow="fold")
    for row in cells:
        t.add_row(*(row[i] for i in keep))
    out.print(t)


def _one_line(cell: str) -> str:
    return cell.replace("\t", " ").replace("\r", " ").replace("\n", " ")


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
    except Exception as exc:
        if secret_key_problem(exc):
            raise typer.Exit(1) from None
        raise


def secret_key_problem(exc: BaseException) -> bool:
    """Print a SecretKeyError as one line and say so; False for any other exception."""
    from hub.crypto import SecretKeyError

    if not isinstance(exc, SecretKeyError):
        return False
    err.print(
        f"[red]error (secret key):[/red] cannot open the stored credentials: {exc}. "
        "The hub's key (LEDGERHUB_SECRET_KEY, or DATA_DIR/secret.key) is not the one they "
        "were sealed with: set that one as LEDGERHUB_SECRET_KEY, or list it in "
        "LEDGERHUB_OLD_SECRET_KEYS."
    )
    return True


def get_runtime() -> Runtime:
    """The process's runtime, imported on first use: `hub --help` need not load the store."""
    from hub.jobs.runtime import get_runtime as process_runtime

    return process_runtime()


def name_values(items: Sequence[str], hint: str) -> dict[str, str]:
    """`NAME=VALUE` options (`--credential`, `--option`) as a dict; a bad one names `hint`."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"'{item}' is not NAME=VALUE", param_hint=hint)
        values[name.strip()] = value
    return values
