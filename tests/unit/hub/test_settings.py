"""Settings: embedded defaults, LEDGERHUB_* overrides, a generated key kept private."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from hub.settings import Settings, decode_key, generate_key, get_settings, reset_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "BROKER_URL", "REDIS_URL", "SECRET_KEY", "OLD_SECRET_KEYS"):
        monkeypatch.delenv(f"LEDGERHUB_{name}", raising=False)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path / "data"))
    reset_settings()


def test_nothing_configured_means_sqlite_and_an_embedded_broker_in_the_data_dir(
    tmp_path: Path,
) -> None:
    settings = Settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'ledgerhub.db'}"
    assert settings.uses_embedded_broker
    assert settings.log_format == "text"


def test_environment_overrides_every_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERHUB_DATABASE_URL", "postgresql://hub:pw@db:5432/hub")
    monkeypatch.setenv("LEDGERHUB_BROKER_URL", "amqp://guest:guest@mq:5672/")
    monkeypatch.setenv("LEDGERHUB_LOG_LEVEL", "debug")
    monkeypatch.setenv("LEDGERHUB_LOG_FORMAT", "json")
    monkeypatch.setenv("LEDGERHUB_SYNC_INTERVAL_SECONDS", "60")
    monkeypatch.setenv("LEDGERHUB_WORKER_PROCESSES", "3")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://hub:pw@db:5432/hub"
    assert not settings.uses_embedded_broker
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert (settings.sync_interval_seconds, settings.worker_processes) == (60, 3)


def test_urls_and_keys_stay_out_of_the_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_key()
    monkeypatch.setenv("LEDGERHUB_DATABASE_URL", "postgresql://hub:hunter2@db/hub")
    monkeypatch.setenv("LEDGERHUB_SECRET_KEY", key)
    text = repr(Settings())
    assert "hunter2" not in text
    assert key not in text


def test_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERHUB_LOG_LEVEL", "chatty")
    with pytest.raises(ValueError, match="log level"):
        Settings()


def test_missing_secret_key_is_generated_once_with_mode_0600_and_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hub.settings"):
        first = Settings().secret_keys()
    path = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "LEDGERHUB_SECRET_KEY is not set" in caplog.text
    assert path.read_text() not in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="hub.settings"):
        assert Settings().secret_keys() == first
    assert caplog.text == ""
    assert len(first) == 1
    assert len(first[0]) == 32


def test_configured_key_comes_first_and_old_keys_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old1, old2 = generate_key(), generate_key(), generate_key()
    monkeypatch.setenv("LEDGERHUB_SECRET_KEY", new)
    monkeypatch.setenv("LEDGERHUB_OLD_SECRET_KEYS", f"{old1}, {old2}")
    keys = Settings().secret_keys()
    assert keys == [decode_key(new), decode_key(old1), decode_key(old2)]


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        decode_key("c2hvcnQ=")


def test_get_settings_reads_once_until_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("LEDGERHUB_LOG_LEVEL", "ERROR")
    assert get_settings() is first
    reset_settings()
    assert get_settings().log_level == "ERROR"


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "configuration.md").read_text()
    missing = [
        f"LEDGERHUB_{name.upper()}"
        for name in Settings.model_fields
        if f"`LEDGERHUB_{name.upper()}`" not in doc
    ]
    assert missing == []


def test_a_relative_data_dir_is_made_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", "relative/data")
    settings = Settings()
    assert settings.data_dir == tmp_path / "relative" / "data"
    assert settings.database_url == f"sqlite:///{tmp_path / 'relative' / 'data' / 'ledgerhub.db'}"
