"""The `hub` command: one Typer app, each command group in its own module.

A command's module is imported when that command runs (or its help is shown), not when `hub`
starts: `hub --version` and `hub extract --help` load neither the canonical model nor the store.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from hub import __version__

COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    # module under hub.cli (each has `register(root)`) -> the top-level commands it adds
    "schema": ("schema",),
    "demo": ("demo",),
    "extract": ("extract",),
    "connections": ("connections", "connectors"),
    "jobs": ("worker", "scheduler", "sync"),
    "runs": ("runs",),
    "state": ("state",),
    "config": ("config",),
    "records": ("records", "exceptions", "dlq", "events"),
    "serve": ("serve",),
    "validate": ("validate",),
    "db": ("db",),
    "broker": ("broker",),
    "sandbox": ("sandbox",),
    "mappings": ("mappings",),
    "mapspec": ("custom-fields",),
    "tenants": ("tenants", "keys"),
}
"""Every command group, in the order `hub --help` lists them. A new group is one line here."""

_TYPER_SETTINGS: dict[str, Any] = {
    "rich_markup_mode": "rich",
    "pretty_exceptions_show_locals": False,
}


_HELP_ONLY = "hub.help_only"

_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "bool": "BOOLEAN"}


def _plain_types(cls: Any) -> None:
    """Help shows `--limit INTEGER`, not `--limit <int>`, and nothing after a flag."""
    original = cls.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False):
            return None
        text = original(self, ctx)
        if isinstance(text, str) and text.startswith("<") and ">" in text:
            inner, _, rest = text[1:].partition(">")
            return _TYPE_NAMES.get(inner, inner.upper()) + rest
        return None if text is None else str(text)

    cls.display_type_rich = display_type_rich


_plain_types(typer.core.TyperOption)
_plain_types(typer.core.TyperArgument)


class LazyCommands(TyperGroup):
    """The root group: loads a command's module on first use of that command.

    `commands` (click's mapping of every subcommand) loads them all, so help listings, shell
    completion and anything that walks the tree see every command.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._loaded: dict[str, Any] = {}
        self._modules_done: set[str] = set()
        super().__init__(**kwargs)

    @property
    def commands(self) -> MutableMapping[str, Any]:
        for module in COMMAND_MODULES:
            self._load(module)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, Any]) -> None:
        self._loaded.update(value)

    def _load(self, module: str) -> None:
        if module in self._modules_done:
            return
        self._modules_done.add(module)
        group = typer.Typer(**_TYPER_SETTINGS)
        importlib.import_module(f"hub.cli.{module}").register(group)
        for name, command in typer.main.get_group(group).commands.items():
            self._loaded.setdefault(name, command)

    def list_commands(self, ctx: Any) -> list[str]:
        return [name for names in COMMAND_MODULES.values() for name in names]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        # `hub COMMAND --help` needs no logging set up (nor the settings it reads).
        options = rest[: rest.index("--")] if "--" in rest else rest
        ctx.meta[_HELP_ONLY] = any(arg in ctx.help_option_names for arg in options)
        return name, command, rest

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self._loaded:
            for module, names in COMMAND_MODULES.items():
                if cmd_name in names:
                    self._load(module)
        return self._loaded.get(cmd_name)


app = typer.Typer(
    name="hub",
    help="Ledgerhub: the open ERP integration hub. Run `hub COMMAND --help` for examples.",
    no_args_is_help=True,
    cls=LazyCommands,
    **_TYPER_SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ledgerhub {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Ledgerhub: the open ERP integration hub."""
    if ctx.meta.get(_HELP_ONLY):
        return
    from hub.logging import setup_logging

    setup_logging()


def main() -> None:
    """Entry point of the `hub` console script."""
    from hub.cli.common import err, secret_key_problem

    try:
        app()
    except Exception as exc:
        # A bad LEDGERHUB_* value, or a key problem, is the operator's to fix, not a bug: one
        # line naming it, not a traceback. (hub.settings is loaded by then: imported here,
        # `hub --version` stays free of it.)
        from hub.settings import SettingsError

        if isinstance(exc, SettingsError):
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise SystemExit(2) from None
        if secret_key_problem(exc):
            raise SystemExit(1) from None
        raise
