"""`hub serve` on embedded defaults: a fresh data directory, a tenant and a key from the CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


def _hub(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_on_embedded_defaults_with_a_cli_made_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["LEDGERHUB_DATA_DIR"] = str(tmp_path / "data")
    _hub(env, "db", "upgrade")
    tenant = json.loads(_hub(env, "tenants", "create", "acme", "--json"))
    key = json.loads(
        _hub(env, "keys", "create", "--tenant", tenant["id"], "--scope", "admin", "--json")
    )
    assert key["key"].startswith("lhk_")
    assert key["scope"] == "admin"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "hub serve did not answer /healthz"
            time.sleep(0.2)
        auth = {"Authorization": f"Bearer {key['key']}"}
        listed = httpx.get(f"{base}/v1/keys", headers=auth, timeout=10)
        assert listed.status_code == 200
        assert [k["id"] for k in listed.json()["data"]] == [key["id"]]
        assert httpx.get(f"{base}/v1/suppliers", timeout=10).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=20)
