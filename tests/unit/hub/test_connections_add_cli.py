"""`hub connections add` asks for the fields of the ERP's credentials model."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LEDGERHUB_CLIENT_SECRET", raising=False)


def test_help_lists_each_erps_auth_modes_and_their_fields() -> None:
    result = CliRunner().invoke(app, ["connections", "add", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "xero client_credentials: client_id, client_secret*" in result.output
    assert "xero authorization_code: client_id, client_secret*" in result.output


def test_a_missing_field_without_input_is_an_error_naming_it() -> None:
    args = ["connections", "add", "xero", "--base-url", "http://127.0.0.1:9", "--no-input"]
    result = CliRunner().invoke(app, [*args, "--client-id", "app"], env={"COLUMNS": "200"})
    assert result.exit_code != 0
    assert "missing client_secret" in result.output


def test_a_field_the_mode_does_not_have_is_refused() -> None:
    args = ["connections", "add", "xero", "--base-url", "http://127.0.0.1:9", "--no-input"]
    result = CliRunner().invoke(
        app,
        [*args, "-c", "client_id=a", "-c", "client_secret=b", "-c", "account=1"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code != 0
    assert "has no field account" in result.output
