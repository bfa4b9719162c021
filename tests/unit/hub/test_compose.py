"""docker-compose.yml runs real `hub` commands with real settings (Docker itself is not here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from hub.cli import app
from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
HUB_SERVICES = {
    name: svc
    for name, svc in COMPOSE["services"].items()
    if svc.get("image", "").startswith("ledgerhub")
}


class UnknownCommand(Exception):
    """The compose file names a command the CLI does not have."""


# Typer ships its own copy of click, so its parse errors are not `click.UsageError`: match by name.
PARSE_ERRORS = ("UsageError", "NoSuchOption", "BadParameter", "UnknownCommand")


def resolve(args: list[str]) -> Any:
    """Parse `hub ARGS` down to the leaf command without running it."""
    command: Any = typer.main.get_command(app)
    ctx = command.context_class(command, info_name="hub")
    rest = list(args)
    while hasattr(command, "get_command"):
        if not rest:
            raise UnknownCommand(f"{ctx.info_name} needs a command")
        name, rest = rest[0], rest[1:]
        sub = command.get_command(ctx, name)
        if sub is None:
            raise UnknownCommand(f"no command {name}")
        command = sub
        ctx = command.context_class(command, info_name=name, parent=ctx)
    return command.make_context(ctx.info_name or "", rest, parent=ctx.parent)


def test_the_hub_services_are_the_ones_the_issue_asks_for() -> None:
    assert {"api", "worker", "scheduler", "migrate", "sandbox-xero"} <= set(HUB_SERVICES)
    assert {"postgres", "redis"} <= set(COMPOSE["services"])
    assert HUB_SERVICES["sandbox-xero"]["profiles"] == ["sandboxes"]


@pytest.mark.parametrize("service", sorted(HUB_SERVICES))
def test_every_service_command_is_a_real_hub_command(service: str) -> None:
    args = [str(a) for a in HUB_SERVICES[service]["command"]]
    ctx = resolve(args)
    assert ctx.command.callback is not None


@pytest.mark.parametrize("args", [["worker", "--no-such-option"], ["no-such-command"], ["db"]])
def test_a_wrong_command_would_be_caught(args: list[str]) -> None:
    with pytest.raises(Exception) as info:
        resolve(args)
    assert type(info.value).__name__ in PARSE_ERRORS


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    return {str(k): str(v) for k, v in env.items()}


@pytest.mark.parametrize("service", sorted(HUB_SERVICES))
def test_every_variable_a_hub_service_sets_is_a_real_setting(service: str) -> None:
    fields = set(Settings.model_fields)
    for name in env_of(HUB_SERVICES[service]):
        assert name.startswith("LEDGERHUB_"), f"{service} sets {name}, which the hub does not read"
        assert name.removeprefix("LEDGERHUB_").lower() in fields, f"{name} is not a setting"


def test_the_dockerfile_installs_from_the_lock_and_runs_hub() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in text
    assert 'ENTRYPOINT ["hub"]' in text
