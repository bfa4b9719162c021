"""The store from the settings on embedded defaults, and `hub db upgrade|current`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app
from hub.settings import Settings, reset_settings
from hub.store import Store, head_revision
from tests import services

pytestmark = pytest.mark.integration


def test_embedded_defaults_give_a_migrated_sqlite_store_in_the_data_dir(tmp_path: Path) -> None:
    store = Store.from_settings(Settings(data_dir=tmp_path), migrate=True)
    try:
        tenant = store.connections.create_tenant("Acme")
        assert store.connections.list_tenants()[0].id == tenant.id
        assert store.tokens.lock_kind == "file"
    finally:
        store.dispose()
    assert (tmp_path / "ledgerhub.db").exists()
    assert (tmp_path / "secret.key").exists()


def test_hub_db_upgrade_then_current(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LEDGERHUB_DATABASE_URL", database_url)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path))
    reset_settings()
    try:
        runner = CliRunner()
        upgraded = runner.invoke(app, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert f"is at revision {head_revision()}" in upgraded.output
        current = runner.invoke(app, ["db", "current", "--json"])
        assert current.exit_code == 0, current.output
        assert json.loads(current.output) | {"database": "-"} == {
            "database": "-",
            "current": head_revision(),
            "head": head_revision(),
            "up_to_date": True,
        }
    finally:
        reset_settings()


def test_hub_db_current_hides_the_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEDGERHUB_DATABASE_URL", services.postgres_url_with_password("s3cr3t-pw"))
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["db", "current", "--json"])
    finally:
        reset_settings()
    assert result.exit_code == 0, result.output
    assert "s3cr3t-pw" not in result.output
    assert json.loads(result.output)["database"].startswith("postgresql+psycopg://postgres:***@")


def test_hub_db_rotate_keys_reseals_with_the_new_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    from hub.settings import generate_key
    from hub.store import ClientCredentials

    old, new = generate_key(), generate_key()
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEDGERHUB_SECRET_KEY", old)
    reset_settings()
    store = Store.from_settings(migrate=True)
    tenant = store.connections.create_tenant("Acme")
    con = store.connections.create(
        tenant_id=tenant.id,
        erp="xero",
        display_name="Acme",
        credentials=ClientCredentials(client_id="c", client_secret=SecretStr("rotate-me-123")),
    )
    store.dispose()
    monkeypatch.setenv("LEDGERHUB_SECRET_KEY", new)
    monkeypatch.setenv("LEDGERHUB_OLD_SECRET_KEYS", old)
    reset_settings()
    try:
        result = CliRunner().invoke(app, ["db", "rotate-keys", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["resealed"] == 1
        monkeypatch.delenv("LEDGERHUB_OLD_SECRET_KEYS")
        reset_settings()
        fresh = Store.from_settings()
        creds = fresh.connections.credentials(con.id)
        fresh.dispose()
    finally:
        reset_settings()
    assert creds is not None
    assert creds.client_secret.get_secret_value() == "rotate-me-123"
