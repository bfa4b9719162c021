"""Every `LEDGERHUB_*` setting with an invalid value: one clear line naming it, a non-zero exit,
and nothing written (the data directory is not even created)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hub.cli import main
from hub.jobs.runtime import reset_runtime
from hub.settings import Settings, reset_settings

INVALID: dict[str, list[str]] = {
    "DATA_DIR": ["<a file>"],
    "DATABASE_URL": ["nonsense", "mysql://db/x"],
    "BROKER_URL": ["http://broker", "redis"],
    "REDIS_URL": ["amqp://x", "localhost:6379"],
    "SECRET_KEY": ["short", "@@@@"],
    "OLD_SECRET_KEYS": ["not-a-key"],
    "LOG_LEVEL": ["LOUD"],
    "LOG_FORMAT": ["xml"],
    "SYNC_INTERVAL_SECONDS": ["0", "soon", "1e999999999"],
    "WORKER_PROCESSES": ["0", "two"],
    "WORKER_THREADS": ["-1", "9" * 5000],
    "JOB_MAX_RETRIES": ["-1", "3.5"],
    "JOB_MIN_BACKOFF_MS": ["-5"],
    "JOB_MAX_BACKOFF_MS": ["x"],
    "JOB_TIME_LIMIT_MS": ["10"],
    "JOB_HEARTBEAT_TIMEOUT_MS": ["5"],
    "JOB_POLL_MS": ["0", "60000", "fast"],
    "JOB_MAINTENANCE_CHANCE": ["1000001", "-1"],
    "RUN_LOCK_TTL_MS": ["0"],
    "API_RATE_LIMIT_PER_MINUTE": ["lots"],
    "API_IDEMPOTENCY_TTL_SECONDS": ["-1"],
    "API_KEY_OVERLAP_SECONDS": ["-1"],
    "WEBHOOK_RETRY_SCALE": ["fast", "-1"],
    "WEBHOOK_TIMEOUT_SECONDS": ["-1", "nan"],
    "WEBHOOK_SECRET_OVERLAP_SECONDS": ["-1"],
    "WEBHOOK_DISABLE_AFTER_SECONDS": ["0"],
    "MAPPING_SHARED_DEFAULTS": ["perhaps"],
}
"""Invalid values per setting (without the prefix); list settings take any text."""

ANY_TEXT = {"WEBHOOK_ALLOWED_HOSTS", "ERP_ALLOWED_HOSTS"}


def test_the_table_covers_every_setting() -> None:
    names = {name.upper() for name in Settings.model_fields}
    assert names - ANY_TEXT == set(INVALID), "a setting without a bad-input case"


CASES = [(name, value) for name, values in INVALID.items() for value in values]


@pytest.mark.parametrize(("name", "value"), CASES, ids=[f"{n}={v[:12]}" for n, v in CASES])
def test_an_invalid_setting_is_one_line_naming_it(
    name: str,
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "data"
    for key in [k for k in os.environ if k.startswith("LEDGERHUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(data_dir))
    if value == "<a file>":
        value = str(tmp_path / "a-file")
        Path(value).write_text("not a directory")
    monkeypatch.setenv(f"LEDGERHUB_{name}", value)
    monkeypatch.setattr(sys, "argv", ["hub", "connections", "list"])
    reset_settings()
    reset_runtime()
    try:
        with pytest.raises(SystemExit) as exited:
            main()
    finally:
        reset_settings()
        reset_runtime()
    said = capsys.readouterr().err
    lines = [line for line in said.splitlines() if line.strip()]
    assert exited.value.code not in (0, None)
    assert len(lines) == 1, lines
    assert f"LEDGERHUB_{name}" in lines[0], lines
    assert not data_dir.exists(), "something was written"
    if name in {"SECRET_KEY", "OLD_SECRET_KEYS"}:
        assert value not in said, "a secret was echoed"
