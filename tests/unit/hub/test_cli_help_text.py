"""Help texts read as a person expects: plain type names, examples one can paste."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from hub.cli import app


def leaves(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            yield from leaves(sub, [*path, name])
    else:
        yield path, cmd


COMMANDS = sorted(leaves(typer.main.get_command(app), []), key=lambda item: item[0])


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_examples_continue_with_a_backslash(path: list[str], command: Any) -> None:
    lines = (inspect.getdoc(command.callback) or "").splitlines()
    for i, line in enumerate(lines[:-1]):
        if re.match(r"\s*(Example[^:]*:\s*)?hub ", line):
            # A backslash-newline in a non-raw docstring joins the lines: spaces run together.
            assert "   " not in line.strip(), f"{' '.join(path)}: {line!r}"
            following = lines[i + 1]
            if following.startswith("  ") and following.strip().startswith("-"):
                assert line.rstrip().endswith("\\"), f"{' '.join(path)}: {line!r}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_names_types_plainly(path: list[str], command: Any) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(str|int|float|bool)>", result.output), result.output
