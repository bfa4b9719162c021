"""`hub` tables: whole ids at any terminal width, complete tab-separated lines when piped."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from hub.cli import common

CASE_ID = "exc_01M97GJGVK31JE9A6ZQ4XW2B7C"
CON_ID = "con_01M97GJGVK31JE9A6ZQ4XW2B7D"
CAUSE = "Xero Contact '2bf1a311-9af4-4898' cannot become a valid supplier: " + "x" * 80


def _print_on(width: int | None, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    terminal = width is not None
    console = Console(file=buffer, width=width or 80, force_terminal=terminal, color_system=None)
    monkeypatch.setattr(common, "out", console)
    if not terminal:
        monkeypatch.setattr(common.typer, "echo", lambda text: buffer.write(text + "\n"))
    common.table(
        "Exception cases",
        ["id", "connection", "occurrences", "action", "cause"],
        [(CASE_ID, CON_ID, 3, "Correct the field in the ERP", CAUSE)],
        optional=["occurrences", "action"],
    )
    return buffer.getvalue()


@pytest.mark.parametrize("width", [60, 80, 140])
def test_ids_are_whole_and_on_one_line_at_any_width(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _print_on(width, monkeypatch)
    assert CASE_ID in text
    assert CON_ID in text
    assert all(len(line) <= width for line in text.splitlines())


def test_a_narrow_terminal_drops_the_optional_columns_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrow = _print_on(80, monkeypatch)
    assert "occurrences" not in narrow
    assert "action" not in narrow
    wide = _print_on(200, monkeypatch)
    assert "occurrences" in wide


def test_piped_output_is_complete_tab_separated_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _print_on(None, monkeypatch).splitlines()
    assert lines[0] == "id\tconnection\toccurrences\taction\tcause"
    assert lines[1].split("\t") == [CASE_ID, CON_ID, "3", "Correct the field in the ERP", CAUSE]
