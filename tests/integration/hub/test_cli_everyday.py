"""Everyday use of the `hub` command, as a person runs it: real subprocesses, piped output.

Each test runs `python -m hub ...` with a data directory of its own (embedded SQLite store and
generated key, as a new user has), the session's Redis database as broker, and a Xero sandbox.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from connectors.sandbox.runner import run_in_thread
from connectors.xero.sandbox.app import create_app
from connectors.xero.sandbox.config import XeroSandboxConfig
from tests.integration.hub.conftest import CLIENT_ID, CLIENT_SECRET, ROOT, Sandbox

pytestmark = pytest.mark.integration


@dataclass
class Cli:
    """`hub` in a subprocess, with one data directory and one sandbox."""

    data_dir: Path
    broker_url: str
    sandbox: Sandbox
    state: Any

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
        env.update(LEDGERHUB_DATA_DIR=str(self.data_dir), LEDGERHUB_BROKER_URL=self.broker_url)
        env.update(extra)
        return env

    def run(
        self, *args: str, input: str | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hub", *args],
            env=self.env(**env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            input=input,
            timeout=180,
            check=False,
        )

    def ok(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = self.run(*args, **env)
        assert result.returncode == 0, f"hub {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def add(self, *extra: str) -> str:
        result = self.ok(
            "connections", "add", "xero", "--base-url", self.sandbox.url,
            "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--no-sync", "--json",
            *extra,
        )  # fmt: skip
        return str(json.loads(result.stdout)["id"])

    def connections(self) -> list[dict[str, Any]]:
        return list(json.loads(self.ok("connections", "list", "--json").stdout))


@pytest.fixture
def cli(tmp_path: Path, redis_url: str) -> Iterator[Cli]:
    app = create_app(
        XeroSandboxConfig(
            seed=11,
            records=30,
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            no_limits=True,
        )
    )
    handle = run_in_thread(app)
    try:
        yield Cli(tmp_path / "data", redis_url, Sandbox(handle.url, handle.stop), app.state.sandbox)
    finally:
        handle.stop()


BAD_VAT = "GB123456789"  # fails the GB VAT checksum


def _bad_vat(cli: Cli) -> str:
    """Give an active contact an invalid GB VAT number; its id."""
    contacts = cli.state.store["contacts"]
    victim = next(r for r in contacts.records.values() if r.doc.get("ContactStatus") == "ACTIVE")
    victim.doc["TaxNumber"] = BAD_VAT
    contacts.touch(victim, cli.state.now())
    return str(victim.id)


# --------------------------------------------------------------------------- item 1: ids


def test_piped_tables_are_complete_tab_separated_lines_with_whole_ids(cli: Cli) -> None:
    connection = cli.add("--name", "A rather long display name that would not fit in a column")
    listing = cli.ok("connections", "list").stdout.splitlines()
    assert listing[0].split("\t")[:3] == ["id", "erp", "status"]
    (row,) = [line for line in listing[1:] if line.startswith(connection)]
    assert row.split("\t")[0] == connection
    assert "A rather long display name that would not fit in a column" in row
    paths = cli.ok("schema", "paths", "--object", "invoice").stdout
    deep = [p for p in paths.splitlines() if p.startswith("invoice.lines[].")]
    assert deep
    assert all("…" not in line for line in deep)


def test_exception_ids_shown_are_ids_show_accepts(cli: Cli) -> None:
    connection = cli.add()
    _bad_vat(cli)
    cli.run("sync", connection, "--resource", "contacts", "--wait")
    lines = cli.ok("exceptions", "list").stdout.splitlines()
    case_id = lines[1].split("\t")[0]
    shown = json.loads(cli.ok("exceptions", "show", case_id, "--json").stdout)
    assert shown["case"]["id"] == case_id


# --------------------------------------------------------------------------- item 2: failures


def test_sync_wait_reports_a_record_that_failed_and_exits_1(cli: Cli) -> None:
    connection = cli.add()
    victim = _bad_vat(cli)
    result = cli.run("sync", connection, "--resource", "contacts", "--full", "--wait")
    assert result.returncode == 1, result.stderr
    assert "contacts: succeeded" in result.stderr
    assert "1 failed" in result.stderr
    (case,) = json.loads(cli.ok("exceptions", "list", "--json").stdout)
    assert case["id"] in result.stderr
    # The cause names the record and the field, the action is one a person can take.
    assert victim in case["cause"]
    assert "TaxNumber" in case["cause"]
    assert "<value>" not in case["cause"]
    assert "<n>" not in case["cause"]
    assert "in the ERP" in case["action"]
    clean = cli.run("sync", connection, "--resource", "invoices", "--wait", "--json")
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)[0]["failed"] == 0


def test_sync_names_an_unknown_resource(cli: Cli) -> None:
    connection = cli.add()
    result = cli.run("sync", connection, "--resource", "bills", "--wait")
    assert result.returncode == 2
    assert "--resource" in result.stderr
    assert "invoices" in result.stderr


# --------------------------------------------------------------------------- item 3: remove


def _records(cli: Cli, connection: str) -> list[dict[str, Any]]:
    out = cli.ok("records", "list", "--connection", connection, "--limit", "1000", "--json")
    return list(json.loads(out.stdout))


def test_remove_asks_then_removes_the_records_too(cli: Cli) -> None:
    connection = cli.add()
    cli.ok("sync", connection, "--resource", "invoices", "--wait")
    assert _records(cli, connection)
    declined = cli.run("connections", "remove", connection, input="n\n")
    assert declined.returncode == 1  # aborted
    assert [c["id"] for c in cli.connections()] == [connection]
    cli.ok("connections", "remove", connection, "--yes")
    assert cli.connections() == []
    assert _records(cli, connection) == []
    again = cli.run("connections", "remove", connection, "--yes")
    assert again.returncode == 2
    assert connection in again.stderr


def test_remove_keep_records_keeps_them(cli: Cli) -> None:
    connection = cli.add()
    cli.ok("sync", connection, "--resource", "invoices", "--wait")
    before = _records(cli, connection)
    cli.ok("connections", "remove", connection, "--yes", "--keep-records")
    assert cli.connections() == []
    assert _records(cli, connection) == before


# --------------------------------------------------------------------------- item 4: add


def test_a_failed_add_leaves_nothing_and_says_why(cli: Cli) -> None:
    no_scheme = cli.sandbox.url.removeprefix("http://")
    result = cli.run(
        "connections", "add", "xero", "--base-url", no_scheme,
        "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--no-sync",
    )  # fmt: skip
    assert result.returncode == 2
    assert "base URL" in result.stderr
    assert "http" in result.stderr
    assert "UnsupportedProtocol" not in result.stderr
    wrong = cli.run(
        "connections", "add", "xero", "--base-url", cli.sandbox.url,
        "--client-id", CLIENT_ID, "--client-secret", "not-the-secret", "--no-sync",
    )  # fmt: skip
    assert wrong.returncode == 1
    assert "auth" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert cli.connections() == []


# --------------------------------------------------------------------------- item 8: keys


def test_rotating_the_embedded_key_leaves_the_hub_working(cli: Cli) -> None:
    connection = cli.add()
    key_file = cli.data_dir / "secret.key"
    before = key_file.read_text()
    rotated = json.loads(cli.ok("db", "rotate-keys", "--json").stdout)
    assert rotated["resealed"] >= 2  # credentials and tokens
    assert key_file.read_text() != before
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    cli.ok("sync", connection, "--resource", "invoices", "--wait")


def test_rotating_to_a_configured_key_updates_the_key_file(cli: Cli) -> None:
    from hub.settings import generate_key

    connection = cli.add()
    old = (cli.data_dir / "secret.key").read_text()
    new = generate_key()
    cli.ok("db", "rotate-keys", LEDGERHUB_SECRET_KEY=new, LEDGERHUB_OLD_SECRET_KEYS=old)
    # The next command without the variables reads the key file: it must hold the new key.
    cli.ok("sync", connection, "--resource", "invoices", "--wait")
    cli.ok("sync", connection, "--resource", "invoices", "--wait", LEDGERHUB_SECRET_KEY=new)


def test_a_wrong_key_is_one_clear_line(cli: Cli) -> None:
    from hub.settings import generate_key

    connection = cli.add()
    result = cli.run("sync", connection, "--wait", LEDGERHUB_SECRET_KEY=generate_key())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "secret key" in lines[0]
    assert "LEDGERHUB_OLD_SECRET_KEYS" in lines[0]


# --------------------------------------------------------------------------- item 9: naming


def test_records_list_refuses_an_unknown_object(cli: Cli) -> None:
    result = cli.run("records", "list", "--object", "invoices")
    assert result.returncode == 2
    assert "did you mean invoice" in result.stderr


def test_a_bare_dlq_replay_replays_nothing(cli: Cli) -> None:
    result = cli.run("dlq", "replay")
    assert result.returncode == 2
    assert "--all" in result.stderr


# --------------------------------------------------------------------------- item 10: modes


def test_the_data_directory_and_database_are_private(cli: Cli) -> None:
    cli.add()
    assert stat.S_IMODE(cli.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((cli.data_dir / "ledgerhub.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((cli.data_dir / "secret.key").stat().st_mode) == 0o600


# --------------------------------------------------------------------------- item 11: submit


def _bill(cli: Cli, connection: str) -> dict[str, Any]:
    cli.ok("sync", connection, "--resource", "contacts", "--wait")
    cli.ok("sync", connection, "--resource", "accounts", "--wait")
    suppliers = json.loads(
        cli.ok("records", "list", "--object", "supplier", "--limit", "500", "--json").stdout
    )
    supplier = next(s for s in suppliers if s.get("status") == "active")
    accounts = json.loads(
        cli.ok("records", "list", "--object", "account", "--limit", "500", "--json").stdout
    )
    expense = next(a for a in accounts if a.get("type") == "expense")
    return {
        "direction": "payable",
        "number": "CLI-0001",
        "party_id": supplier["id"],
        "issue_date": "2026-11-02",
        "due_date": "2026-12-02",
        "currency": supplier.get("currency") or "GBP",
        "status": "authorised",
        "tax_mode": "no_tax",
        "lines": [
            {
                "line_number": 1,
                "description": "Consulting",
                "quantity": "4",
                "unit_price": "150.00",
                "net_amount": "600.00",
                "account_code": expense["code"],
            }
        ],
    }


def test_records_submit_writes_once_and_refuses_a_bad_record_before_queueing(
    cli: Cli, tmp_path: Path
) -> None:
    connection = cli.add()
    bill = tmp_path / "bill.json"
    bill.write_text(json.dumps(_bill(cli, connection)))
    before = cli.sandbox.counts()["invoices"]["total"]
    args = ["records", "submit", "--connection", connection, "--object", "invoice"]
    first = json.loads(cli.ok(*args, "--file", str(bill), "--wait", "--json").stdout)
    assert first["new"] is True
    assert first["request"]["status"] == "succeeded"
    assert first["request"]["remote_id"]
    again = json.loads(cli.ok(*args, "--file", str(bill), "--wait", "--json").stdout)
    assert again["new"] is False
    assert again["request"]["id"] == first["request"]["id"]
    assert cli.sandbox.counts()["invoices"]["total"] == before + 1

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**json.loads(bill.read_text()), "currency": "XXQ"}))
    refused = cli.run(*args, "--file", str(broken), "--wait")
    assert refused.returncode == 2
    assert "currency" in refused.stderr
    wrong_object = cli.run(*args[:-1], "invoices", "--file", str(bill))
    assert wrong_object.returncode == 2
    assert cli.sandbox.counts()["invoices"]["total"] == before + 1


# --------------------------------------------------------------------------- spec and check


def test_connectors_spec_prints_the_credentials_schema(cli: Cli) -> None:
    spec = json.loads(cli.ok("connectors", "spec", "xero").stdout)
    modes = {m["name"]: m for m in spec["auth_modes"]}
    schema = modes["client_credentials"]["credentials"]
    assert schema["required"] == ["client_id", "client_secret"]
    assert schema["properties"]["client_secret"]["writeOnly"] is True
    assert "invoice" in spec["writes"]
    unknown = cli.run("connectors", "spec", "quickbooks")
    assert unknown.returncode == 2
    assert "xero" in unknown.stderr


def test_connections_check_tests_credentials_without_storing_anything(cli: Cli) -> None:
    new = ["connections", "check", "xero", "--base-url", cli.sandbox.url, "--json"]
    good = json.loads(
        cli.ok(*new, "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET).stdout
    )
    assert good["ok"] is True
    steps = [s["step"] for s in good["steps"]]
    assert steps[:2] == ["sign in", "tenant"]
    assert "read invoices" in steps
    bad = cli.run(*new, "--client-id", CLIENT_ID, "--client-secret", "wrong")
    assert bad.returncode == 1
    (failed,) = [s for s in json.loads(bad.stdout)["steps"] if not s["ok"]]
    assert failed["step"] == "sign in"
    assert "wrong" not in bad.stdout + bad.stderr
    assert cli.connections() == []
    connection = cli.add()
    existing = cli.run("connections", "check", connection)
    assert existing.returncode == 0, existing.stderr
    assert "read invoices" in existing.stderr


# --------------------------------------------------------------------------- state


def test_state_get_set_clear(cli: Cli) -> None:
    connection = cli.add()
    assert json.loads(cli.ok("state", "get", connection, "invoices").stdout)["resources"] == {
        "invoices": None
    }
    cli.ok("sync", connection, "--resource", "invoices", "--wait")
    after_sync = json.loads(cli.ok("state", "get", connection).stdout)["resources"]
    assert after_sync["invoices"]["done"] is True
    assert after_sync["invoices"]["next_since"]
    cli.ok("state", "set", connection, "invoices", "--since", "2030-01-01T00:00:00Z")
    moved = json.loads(cli.ok("state", "get", connection, "invoices").stdout)["resources"]
    assert moved["invoices"]["next_since"].startswith("2030-01-01T00:00:00")
    # From a time after every change, the next sync finds nothing.
    quiet = json.loads(
        cli.ok("sync", connection, "--resource", "invoices", "--wait", "--json").stdout
    )[0]["run"]
    assert quiet["created"] + quiet["updated"] + quiet["unchanged"] == 0
    bad = cli.run("state", "set", connection, "invoices", "--state", '{"page": "x"}')
    assert bad.returncode == 2
    assert "page" in bad.stderr
    cli.ok("state", "clear", connection, "invoices", "--yes")
    cleared = json.loads(cli.ok("state", "get", connection, "invoices").stdout)["resources"]
    assert cleared == {"invoices": None}


# --------------------------------------------------------------------------- the Singer tap


def test_extract_as_a_singer_tap_resumes_from_its_state(cli: Cli, tmp_path: Path) -> None:
    catalog = json.loads(cli.ok("extract", "xero", "--discover", "--objects", "invoices").stdout)
    assert {s["stream"] for s in catalog["streams"]} >= {"invoice"}
    config = tmp_path / "tap.json"
    config.write_text(
        json.dumps(
            {"base_url": cli.sandbox.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        )
    )
    tap = ["extract", "xero", "--config", str(config), "--format", "singer", "--no-limits"]

    def messages(*extra: str) -> list[dict[str, Any]]:
        out = cli.ok(*tap, "--objects", "invoices", *extra).stdout
        return [json.loads(line) for line in out.splitlines()]

    first = messages()
    announced: set[str] = set()
    records = 0
    for message in first:
        if message["type"] == "SCHEMA":
            announced.add(message["stream"])
            assert message["key_properties"] == ["id"]
        elif message["type"] == "RECORD":
            assert message["stream"] in announced  # a stream's SCHEMA comes before its records
            records += 1
    assert records == cli.sandbox.counts()["invoices"]["total"]
    last = first[-1]
    assert last["type"] == "STATE"
    assert last["value"]["bookmarks"]["invoices"]["done"] is True

    state = tmp_path / "state.json"
    state.write_text(json.dumps(last["value"]))
    changed = cli.sandbox.control("POST", "changes", {"object": "invoices", "update": 2})
    again = messages("--state", str(state))
    ids = {m["record"]["remote_id"] for m in again if m["type"] == "RECORD"}
    assert set(changed["updated"]) <= ids
    assert len(ids) < records  # only what changed since the state (and the read overlap)


def test_extract_reads_only_the_streams_a_catalog_selects(cli: Cli, tmp_path: Path) -> None:
    catalog = json.loads(cli.ok("extract", "xero", "--discover").stdout)
    for stream in catalog["streams"]:
        stream["metadata"][0]["metadata"]["selected"] = stream["stream"] == "supplier"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    out = cli.ok(
        "extract", "xero", "--base-url", cli.sandbox.url, "--client-id", CLIENT_ID,
        "--client-secret", CLIENT_SECRET, "--format", "singer", "--no-limits",
        "--catalog", str(path),
    ).stdout  # fmt: skip
    lines = [json.loads(line) for line in out.splitlines()]
    streams = {m["stream"] for m in lines if m["type"] == "RECORD"}
    assert streams == {"supplier"}
    assert set(lines[-1]["value"]["bookmarks"]) == {"contacts"}


# --------------------------------------------------------------------------- item 5: scopes


def test_the_sandbox_refuses_a_call_its_token_has_no_scope_for(cli: Cli) -> None:
    import httpx

    token = httpx.post(
        f"{cli.sandbox.url}/connect/token",
        data={"grant_type": "client_credentials", "scope": "accounting.contacts.read"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    ).json()["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "xero-tenant-id": cli.state.tenant_id,
        "Accept": "application/json",
    }
    api = f"{cli.sandbox.url}/api.xro/2.0"
    assert httpx.get(f"{api}/Contacts", headers=headers).status_code == 200
    refused = httpx.get(f"{api}/Invoices", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["Detail"] == "AuthorizationUnsuccessful"
    write = httpx.post(f"{api}/Contacts", headers=headers, json={"Contacts": [{"Name": "X"}]})
    assert write.status_code == 401


def test_a_connection_asks_for_the_scopes_its_resources_need(cli: Cli) -> None:
    # The adapter's defaults cover every resource: the check reads them all.
    connection = cli.add()
    shown = json.loads(cli.ok("connections", "show", connection, "--json").stdout)
    assert {"accounting.invoices", "accounting.contacts"} <= set(shown["connection"]["scopes"])
    cli.ok("connections", "check", connection)
    # Asked for less, Xero grants less: the check names the resource it cannot read.
    narrow = cli.add("--scope", "accounting.contacts.read")
    result = cli.run("connections", "check", narrow, "--json")
    assert result.returncode == 1
    (failed,) = [s for s in json.loads(result.stdout)["steps"] if not s["ok"]]
    assert failed["step"] != "read contacts"
    assert failed["step"].startswith("read ")
    assert "auth" in failed["detail"]
    spec = json.loads(cli.ok("connectors", "spec", "xero").stdout)
    assert "accounting.invoices" in spec["default_scopes"]
