"""`hub` loads a command's module only when that command runs: start-up stays cheap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from hub import cli

ROOT = Path(__file__).resolve().parents[3]

HEAVY = (
    "canonical",
    "connectors.base",
    "connectors.xero",
    "hub.settings",
    "hub.store",
    "hub.jobs",
    "sqlalchemy",
    "pydantic_settings",
    "dramatiq",
)
"""What a command loads when it runs, and `--version` or `--help` must not."""


def modules_after(*args: str) -> set[str]:
    """The modules a fresh `hub ARGS` process has imported when it exits."""
    code = (
        "import sys\n"
        "from hub.cli import main\n"
        f"sys.argv = ['hub', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = dict(os.environ, LEDGERHUB_DATA_DIR=str(ROOT / "data"))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


@pytest.mark.parametrize(
    "args", [["--version"], ["extract", "--help"], ["connections", "list", "--help"]], ids=" ".join
)
def test_version_and_help_load_no_model_store_or_framework(args: list[str]) -> None:
    assert heavy(modules_after(*args)) == set()


def test_help_of_one_command_loads_only_its_module() -> None:
    loaded = {m for m in modules_after("extract", "--help") if m.startswith("hub.cli.")}
    assert loaded <= {"hub.cli.extract", "hub.cli.common"}
    assert "hub.cli.extract" in loaded


def test_the_table_names_every_command_each_module_registers() -> None:
    for module, names in cli.COMMAND_MODULES.items():
        group = typer.Typer()
        __import__(f"hub.cli.{module}", fromlist=["register"]).register(group)
        registered = set(typer.main.get_group(group).commands)
        assert registered == set(names), module


def test_a_command_not_yet_loaded_resolves_and_unknown_ones_do_not() -> None:
    root = typer.main.get_command(cli.app)
    ctx = root.make_context("hub", ["db", "--help"], resilient_parsing=True)
    assert root.get_command(ctx, "db") is not None  # type: ignore[attr-defined]
    assert root.get_command(ctx, "no-such-command") is None  # type: ignore[attr-defined]
