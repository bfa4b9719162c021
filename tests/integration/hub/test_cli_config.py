"""ledgerhub.yaml: validated with every problem placed, shown with its sources, applied."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.jobs.runtime import Runtime
from hub.jobs.scheduler import Scheduler
from hub.settings import Settings
from tests.integration.hub import test_cli_everyday as everyday
from tests.integration.hub.conftest import CLIENT_ID, CLIENT_SECRET, ROOT
from tests.integration.hub.test_cli_everyday import Cli

pytestmark = pytest.mark.integration

cli = everyday.cli  # the same fixture: a data directory of its own and a Xero sandbox


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ledgerhub.yaml"
    path.write_text(text)
    return path


def test_the_example_file_is_valid(cli: Cli) -> None:
    example = ROOT / "examples" / "ledgerhub.yaml"
    result = cli.ok("config", "validate", "--file", str(example), XERO_CLIENT_SECRET="x")
    assert "valid (2 setting(s), 1 connection(s))" in result.stderr
    unset = cli.run("config", "validate", "--file", str(example))
    assert unset.returncode == 2
    assert "connections[0].credentials.client_secret: ${XERO_CLIENT_SECRET} is not set" in (
        unset.stderr
    )


def test_validate_names_every_problem_with_its_place(cli: Cli, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
settings:
  log_levle: INFO
connections:
  - name: a
    erp: xero
    base_url: api.xero.com
    credentials: {client_id: x}
    schedule: every hour
  - name: b
    erp: quickbooks
    base_url: https://example.com
""",
    )
    result = cli.run("config", "validate", "--file", str(path))
    assert result.returncode == 2
    for expected in (
        "settings.log_levle: not a setting",
        "connections[0] (a).base_url",
        "connections[0] (a).credentials",
        "client_secret",
        "connections[0] (a).schedule: 'every hour' is not a cron expression",
        "connections[1] (b).erp: no adapter 'quickbooks'",
    ):
        assert expected in result.stderr, result.stderr


def test_settings_come_from_the_file_unless_the_environment_says_otherwise(
    cli: Cli, tmp_path: Path
) -> None:
    path = _write(tmp_path, "settings:\n  log_level: warning\n  sync_interval_seconds: 42\n")

    def shown(**env: str) -> dict[str, dict[str, object]]:
        out = cli.ok("config", "show", "--json", LEDGERHUB_CONFIG=str(path), **env).stdout
        return {row["setting"]: row for row in json.loads(out)["settings"]}

    rows = shown()
    assert rows["sync_interval_seconds"] == {
        "setting": "sync_interval_seconds", "value": 42, "source": "file"
    }  # fmt: skip
    assert rows["log_level"]["value"] == "WARNING"
    assert rows["worker_threads"]["source"] == "default"
    assert shown(LEDGERHUB_LOG_LEVEL="ERROR")["log_level"] == {
        "setting": "log_level", "value": "ERROR", "source": "environment"
    }  # fmt: skip
    assert shown(LEDGERHUB_SECRET_KEY="A" * 43 + "=")["secret_key"]["value"] == "***"


def test_apply_creates_then_updates_connections_by_name(cli: Cli, tmp_path: Path) -> None:
    text = f"""
connections:
  - name: books
    erp: xero
    base_url: {cli.sandbox.url}
    credentials:
      client_id: {CLIENT_ID}
      client_secret: ${{SECRET}}
    schedule: "*/15 * * * *"
"""
    path = _write(tmp_path, text)
    first = json.loads(
        cli.ok("config", "apply", "--file", str(path), "--json", SECRET=CLIENT_SECRET).stdout
    )
    assert [(r["name"], r["action"]) for r in first] == [("books", "created")]
    (connection,) = cli.connections()
    assert connection["status"] == "active"
    assert connection["options"]["schedule"] == "*/15 * * * *"
    again = json.loads(
        cli.ok("config", "apply", "--file", str(path), "--json", SECRET=CLIENT_SECRET).stdout
    )
    assert again[0]["action"] == "unchanged"
    _write(tmp_path, text.replace("*/15 * * * *", "0 3 * * *"))
    moved = json.loads(
        cli.ok("config", "apply", "--file", str(path), "--json", SECRET=CLIENT_SECRET).stdout
    )
    assert moved[0]["action"] == "updated"
    assert cli.connections()[0]["options"]["schedule"] == "0 3 * * *"
    # A wrong secret: the file is fine, the sign-in fails, nothing new is kept.
    _write(tmp_path, text.replace("name: books", "name: other"))
    failed = cli.run("config", "apply", "--file", str(path), SECRET="wrong")
    assert failed.returncode == 1
    assert [c["display_name"] for c in cli.connections()] == ["books"]


def test_the_scheduler_follows_a_connections_cron_schedule(cli: Cli, tmp_path: Path) -> None:
    connection = cli.add()
    cli.ok("sync", connection, "--resource", "invoices", "--wait")
    runtime = Runtime(Settings(data_dir=cli.data_dir, broker_url=cli.broker_url))
    try:
        scheduler = Scheduler(runtime, lambda *_: None, interval_seconds=3600)
        assert not scheduler.due(connection, "invoices")  # the interval has not passed
        last = runtime.store.runs.list(connection, "invoices", limit=1)[0]
        minute_after = (last.started_at + timedelta(minutes=1)).replace(second=0)
        expected = datetime.now(UTC) >= minute_after
        assert scheduler.due(connection, "invoices", "* * * * *") is expected
        # Next year's 1 January has not come: not due, whatever the interval.
        assert not scheduler.due(connection, "invoices", "0 0 1 1 *")
        bad = cli.run("connections", "schedule", connection, "every hour")
        assert bad.returncode == 2
        cli.ok("connections", "schedule", connection, "*/5 * * * *")
        view = runtime.store.connections.get(connection)
        assert view.options["schedule"] == "*/5 * * * *"
    finally:
        runtime.close()
