"""`hub sandbox xero`: help with an example, and refusal of an impossible configuration."""

from __future__ import annotations

from typer.testing import CliRunner

from hub.cli import app


def test_help_shows_an_example():
    result = CliRunner().invoke(app, ["sandbox", "xero", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "hub sandbox xero --port 8790" in result.output


def test_fault_shares_above_one_are_refused_before_serving():
    result = CliRunner().invoke(
        app, ["sandbox", "xero", "--error-rate", "0.7", "--drop-rate", "0.7"]
    )
    assert result.exit_code == 2
    assert "more than 1" in result.output
