"""ERP base URLs: refused before any packet leaves when they point where an ERP never is.

Every socket connect is recorded (`connects`), so "refused before any packet" is asserted,
not assumed. The shipped defaults refuse private and loopback addresses too; a setting allows
them (an ERP on the company network, a sandbox), never link-local or cloud metadata ones.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.netguard import DestinationRefused
from hub.connect import create_connection
from hub.jobs.runtime import Runtime
from hub.settings import Settings, generate_key
from tests.integration.hub.conftest import CLIENT_ID, CLIENT_SECRET, Sandbox

pytestmark = pytest.mark.integration

REFUSED_ALWAYS = [
    "http://169.254.169.254/latest",
    "http://[fd00:ec2::254]/",
    "http://169.254.10.1:8080/",
    "http://[::ffff:169.254.169.254]/",
    "http://100.100.100.200/",
    "file:///etc/passwd",
    "ftp://10.0.0.5/",
    "gopher://127.0.0.1:6379/",
    "http://user:pw@api.example.com/",
    "http:///no-host",
    "https://" + "a" * 600 + ".example.com/",
]
REFUSED_BY_DEFAULT = [
    "http://10.1.2.3/",
    "http://192.168.1.20:8000/",
    "http://172.16.0.1/",
    "http://[fd00::1]/",
    "http://127.0.0.1:8701/",
    "http://localhost:8701/",
    "http://[::1]/",
    "http://0.0.0.0/",
]


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket of this process connects to while the test runs."""
    seen: list[Any] = []
    real = socket.socket.connect

    def recording(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    return seen


def runtime_with(tmp_path: Path, **settings: Any) -> Runtime:
    """A runtime over a fresh SQLite store, with the shipped defaults unless overridden."""
    base = {
        "data_dir": tmp_path / "data",
        "database_url": f"sqlite:///{tmp_path / 'ssrf.db'}",
        "secret_key": generate_key(),
        "erp_allowed_hosts": [],  # the shipped default (the test session allows loopback)
    }
    return Runtime(Settings.model_validate({**base, **settings}))


def add(runtime: Runtime, base_url: str) -> None:
    """`hub connections add xero --base-url URL` as the CLI does it."""
    create_connection(
        runtime, erp="xero", base_url=base_url, client_id="id", client_secret="secret"
    )


@pytest.mark.parametrize("url", REFUSED_ALWAYS + REFUSED_BY_DEFAULT)
def test_unsafe_base_urls_are_refused_before_any_packet_with_the_shipped_defaults(
    url: str, tmp_path: Path, connects: list[Any]
) -> None:
    runtime = runtime_with(tmp_path)
    runtime.store.connections.list()  # the store is opened (a file, no socket) before
    connects.clear()
    with pytest.raises(ValueError, match="base URL") as refused:
        add(runtime, url)
    assert "\n" not in str(refused.value)
    assert connects == []
    assert runtime.store.connections.list() == []
    runtime.close()


@pytest.mark.parametrize("url", REFUSED_ALWAYS)
def test_no_setting_opens_link_local_or_metadata_addresses(
    url: str, tmp_path: Path, connects: list[Any]
) -> None:
    runtime = runtime_with(tmp_path, erp_allowed_hosts=["0.0.0.0/0", "::/0", "*.example.com"])
    runtime.store.connections.list()
    connects.clear()
    with pytest.raises(ValueError, match="base URL"):
        add(runtime, url)
    assert connects == []
    assert runtime.store.connections.list() == []
    runtime.close()


@pytest.mark.parametrize("url", REFUSED_BY_DEFAULT[:5])
def test_the_setting_allows_private_and_loopback_erps(url: str, tmp_path: Path) -> None:
    runtime = runtime_with(
        tmp_path,
        erp_allowed_hosts=[
            "10.0.0.0/8",
            "192.168.0.0/16",
            "172.16.0.0/12",
            "fd00::/8",
            "127.0.0.1",
        ],
    )
    add(runtime, url)
    (view,) = runtime.store.connections.list()
    assert view.base_url == url
    runtime.close()


def test_a_stored_base_url_is_checked_again_at_connect_time(
    tmp_path: Path, start_sandbox: Callable[..., Sandbox]
) -> None:
    sandbox = start_sandbox(records=20)
    # Added while loopback was allowed; the setting was then withdrawn (or DNS now answers a
    # private address): no request may reach it, the token request included.
    key = generate_key()
    allowed = runtime_with(tmp_path, erp_allowed_hosts=["127.0.0.1"], secret_key=key)
    view = create_connection(
        allowed, erp="xero", base_url=sandbox.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    allowed.close()
    strict = runtime_with(tmp_path, secret_key=key)
    before = sandbox.control("GET", "stats")["requests"]
    with pytest.raises(DestinationRefused, match="loopback"):
        strict.connector(view.id).authorize()
    assert sandbox.control("GET", "stats")["requests"] == before
    strict.close()


@pytest.mark.parametrize("url", REFUSED_ALWAYS + REFUSED_BY_DEFAULT)
def test_hub_extract_refuses_the_same_base_urls_before_any_packet(
    url: str, tmp_path: Path, connects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hub extract` builds its connector through the same guard (`guarded_connector`)."""
    from typer.testing import CliRunner

    from hub.cli import app
    from hub.settings import reset_settings

    for name in [n for n in __import__("os").environ if n.startswith("LEDGERHUB_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path / "data"))
    reset_settings()
    connects.clear()
    out = tmp_path / "out.jsonl"
    args = ["extract", "xero", "--base-url", url, "--client-id", "id", "--out", str(out)]
    try:
        result = CliRunner().invoke(app, [*args, "--client-secret", "secret"])
    finally:
        reset_settings()
    assert result.exit_code == 2, result.output
    assert "base URL refused" in " ".join(result.output.split()), result.output
    assert "secret" not in result.output
    assert connects == []
    assert not out.exists() or out.read_text() == ""
