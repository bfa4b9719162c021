"""Every `hub` command the README and docs/ show parses as written: each command in a code
block with all its options and arguments, each inline `hub ...` as far as its command path.

A renamed option or a removed command fails here before a reader copies it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.unit.hub.test_compose import PARSE_ERRORS, resolve

ROOT = Path(__file__).resolve().parents[3]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
# A fenced block from its opening line to its closing one; shell blocks are the ones read.
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.S | re.M)
_SHELL = {"", "bash", "sh", "console", "shell"}
_INLINE = re.compile(r"`(hub [^`]+)`")
_ASSIGN = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def _hub_args(line: str) -> list[str] | None:
    """The arguments after `hub` in a shell line, or None when the line runs no hub command."""
    line = line.strip().removeprefix("$ ")
    if "hub " not in line or line.startswith("#"):
        return None
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return None
    while words and (_ASSIGN.match(words[0]) or words[0] in {"docker", "compose", "exec", "api"}):
        words = words[1:]
    if not words or words[0] != "hub":
        return None
    args = words[1:]
    for stop in ("&", "|", ">", "&&", ";"):
        if stop in args:
            args = args[: args.index(stop)]
    return args


def block_commands() -> list[tuple[str, list[str]]]:
    found = []
    for doc in DOCS:
        for language, block in _FENCE.findall(doc.read_text(encoding="utf-8")):
            if language not in _SHELL:
                continue
            for line in block.replace("\\\n", " ").splitlines():
                args = _hub_args(line)
                if args is not None:
                    found.append((f"{doc.name}: hub {' '.join(args)}", args))
    return found


def inline_commands() -> list[tuple[str, list[str]]]:
    found = []
    for doc in DOCS:
        for text in _INLINE.findall(doc.read_text(encoding="utf-8")):
            words = text.replace("\n", " ").split()[1:]
            path = []
            for word in words:
                if word.startswith("-") or not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                path.append(word)
            if path and "COMMAND" not in text:
                found.append((f"{doc.name}: {text}", path))
    return found


BLOCKS = block_commands()
INLINE = inline_commands()


def test_the_docs_show_commands() -> None:
    assert len(BLOCKS) >= 15
    assert len(INLINE) >= 50


@pytest.mark.parametrize(("where", "args"), BLOCKS, ids=[w for w, _ in BLOCKS])
def test_a_code_block_command_parses_as_written(where: str, args: list[str]) -> None:
    if args == ["--version"]:
        return  # `hub --version`; elsewhere --version is a command's own option
    if "--help" in args:
        args = [a for a in args if a != "--help"]
        if not args:
            return
    try:
        ctx = resolve(args)
    except Exception as exc:
        if type(exc).__name__ in PARSE_ERRORS:
            pytest.fail(f"{where}: {exc}")
        raise
    assert ctx.command.callback is not None, where


@pytest.mark.parametrize(("where", "path"), INLINE, ids=[w for w, _ in INLINE])
def test_an_inline_command_names_a_real_command(where: str, path: list[str]) -> None:
    import typer

    from hub.cli import app

    command = typer.main.get_command(app)
    ctx = command.context_class(command, info_name="hub")
    for name in path:
        if not hasattr(command, "get_command"):
            return  # the rest are arguments (`hub sync CONNECTION`)
        sub = command.get_command(ctx, name)
        assert sub is not None, f"{where}: no command '{name}'"
        command = sub
