"""docker-compose.yml: every long-running service has a health check, the data directory a
volume, and `.env.example` names what must be set."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.unit.hub.test_compose import resolve

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_every_long_running_service_has_a_health_check() -> None:
    for name, service in SERVICES.items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        if name == "migrate":  # a one-shot job: done when it exits
            assert check == {"disable": True}
            continue
        assert check.get("test"), f"{name}: empty healthcheck"


def test_hub_health_checks_run_real_hub_commands() -> None:
    for name, service in SERVICES.items():
        test = service.get("healthcheck", {}).get("test", [])
        if test[:2] == ["CMD", "hub"]:
            ctx = resolve([str(a) for a in test[2:]])
            assert ctx.command.callback is not None, name


def test_the_data_directory_is_a_volume() -> None:
    assert "hubdata" in COMPOSE["volumes"]
    for name, service in SERVICES.items():
        if str(service.get("image", "")).startswith("ledgerhub"):
            assert "hubdata:/data" in service.get("volumes", []), name


def test_env_example_names_the_secret_key() -> None:
    example = (ROOT / ".env.example").read_text()
    assert "LEDGERHUB_SECRET_KEY=" in example
    assert ".env" in (ROOT / ".gitignore").read_text().split()
