"""The `hub` command: one Typer app, each command group in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from hub import __version__

app = typer.Typer(
    name="hub",
    help="Ledgerhub: the open ERP integration hub. Run `hub COMMAND --help` for examples.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ledgerhub {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Ledgerhub: the open ERP integration hub."""
    from hub.logging import setup_logging

    setup_logging()


def _register() -> None:
    # Each command group registers itself here, one line each.
    from hub.cli import schema

    schema.register(app)
    __import__("hub.cli.demo", fromlist=["register"]).register(app)
    __import__("hub.cli.extract", fromlist=["register"]).register(app)
    __import__("hub.cli.connections", fromlist=["register"]).register(app)
    __import__("hub.cli.jobs", fromlist=["register"]).register(app)
    __import__("hub.cli.records", fromlist=["register"]).register(app)
    __import__("hub.cli.serve", fromlist=["register"]).register(app)
    __import__("hub.cli.validate", fromlist=["register"]).register(app)
    __import__("hub.cli.db", fromlist=["register"]).register(app)
    __import__("hub.cli.sandbox", fromlist=["register"]).register(app)
    __import__("hub.cli.mappings", fromlist=["register"]).register(app)


_register()


def main() -> None:
    """Entry point of the `hub` console script."""
    from hub.cli.common import secret_key_problem

    try:
        app()
    except Exception as exc:
        # A key problem is the operator's, not a bug: one line, not a traceback.
        if secret_key_problem(exc):
            raise SystemExit(1) from None
        raise
