"""A deleted or damaged `secret.key` with sealed credentials in the store: one clear line,
and no new key (which would make every stored credential unreadable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from hub.crypto import SecretKeyMissing
from hub.settings import Settings
from hub.store import ClientCredentials, Store

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


def store_with_a_sealed_credential(data_dir: Path) -> None:
    """The embedded defaults (key file generated in the data directory), one connection."""
    store = Store.from_settings(Settings(data_dir=data_dir), migrate=True)
    tenant = store.connections.create_tenant("Acme")
    store.connections.create(
        tenant_id=tenant.id,
        erp="xero",
        display_name="Acme",
        credentials=ClientCredentials(client_id="c", client_secret=SecretStr("keep-me-123")),
    )
    store.dispose()


def hub_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`hub ARGS` on the embedded defaults of `data_dir` (no key in the environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["LEDGERHUB_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_deleted_key_file_is_not_silently_replaced(tmp_path: Path) -> None:
    store_with_a_sealed_credential(tmp_path)
    key = tmp_path / "secret.key"
    key.unlink()
    with pytest.raises(SecretKeyMissing, match="restore that file from your backup"):
        Store.from_settings(Settings(data_dir=tmp_path))
    assert not key.exists()
    result = hub_cli(tmp_path, "connections", "list")
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    said = " ".join(line for line in result.stderr.splitlines() if line.strip())
    assert "secret.key is missing" in said
    assert len(said) < 400, said
    assert not key.exists()


@pytest.mark.parametrize("content", ["", "not base64 at all!", "QUJD", "\x00" * 40])
def test_a_damaged_key_file_is_one_clear_line(tmp_path: Path, content: str) -> None:
    store_with_a_sealed_credential(tmp_path)
    (tmp_path / "secret.key").write_text(content)
    with pytest.raises(SecretKeyMissing, match="not a usable key"):
        Store.from_settings(Settings(data_dir=tmp_path))
    result = hub_cli(tmp_path, "connections", "list")
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert "not a usable key" in result.stderr


def test_a_new_data_directory_still_gets_a_generated_key(tmp_path: Path) -> None:
    Store.from_settings(Settings(data_dir=tmp_path), migrate=True).dispose()
    assert (tmp_path / "secret.key").exists()
