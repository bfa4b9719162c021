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


def test_start_serves_any_installed_adapters_sandbox() -> None:
    import re

    for erp, title in (("xero", "Xero"), ("sap", "SAP S/4HANA")):
        result = CliRunner().invoke(
            app, ["sandbox", "start", erp, "--records", "12", "--seed", "3", "--seconds", "0"]
        )
        assert result.exit_code == 0, result.output
        assert re.search(
            rf"{re.escape(title)} sandbox on http://127\.0\.0\.1:\d+ \(12 records", result.output
        )


def test_start_names_the_adapters_when_the_erp_is_unknown() -> None:
    result = CliRunner().invoke(app, ["sandbox", "start", "nosuch", "--seconds", "0"])
    assert result.exit_code == 2
    assert "no adapter 'nosuch' is installed" in result.output


def test_start_sets_any_field_of_the_erps_sandbox_configuration() -> None:
    result = CliRunner().invoke(
        app,
        [
            *("sandbox", "start", "netsuite", "--set", "concurrency=2", "--set", "time_zone=UTC"),
            *("--records", "5", "--seconds", "0"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "NetSuite sandbox on http://127.0.0.1:" in result.output


def test_start_refuses_a_wrong_field_before_serving() -> None:
    for setting in ("limits.per_window=0", "faults.error_rate=2", "no_such_field=1", "novalue"):
        result = CliRunner().invoke(
            app, ["sandbox", "start", "xero", "--set", setting, "--seconds", "0"]
        )
        assert result.exit_code == 2, (setting, result.output)
        assert "sandbox on http" not in result.output
