"""Every `hub` command documents itself with an example, and `--help` works for each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from hub.cli import app


def leaves(cmd: Any, path: list[str]) -> Iterator[list[str]]:
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            yield from leaves(sub, [*path, name])
    else:
        yield path


COMMANDS = sorted(leaves(typer.main.get_command(app), []))


def test_the_commands_the_issues_name_exist() -> None:
    names = {" ".join(p) for p in COMMANDS}
    expected = {
        "demo", "serve", "worker", "scheduler", "sync", "extract", "validate",
        "connections add", "connections list", "connections show", "connections remove",
        "records list", "records show", "exceptions list", "exceptions show",
        "exceptions retry", "exceptions resolve", "dlq list", "dlq replay", "db upgrade",
        "schema paths", "schema export", "sandbox xero", "mappings suggest", "mappings eval",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("ledgerhub ")
