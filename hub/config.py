"""The configuration file, `ledgerhub.yaml` (as `meltano.yml` or `nango.yaml`).

    settings:                       # any LEDGERHUB_* setting, lower case, without the prefix
      log_level: INFO
      sync_interval_seconds: 300
    connections:
      - name: acme-xero             # the connection's display name: its key in the file
        erp: xero
        base_url: https://api.xero.com
        auth_mode: client_credentials
        credentials:
          client_id: ${XERO_CLIENT_ID}
          client_secret: ${XERO_CLIENT_SECRET}    # secrets come from the environment
        schedule: "*/15 * * * *"    # cron (UTC); default: every sync_interval_seconds

The file is `LEDGERHUB_CONFIG`, else `ledgerhub.yaml` in the working directory. `${VAR}` (or
`${VAR:-default}`) is replaced by the environment variable; an unset one without a default is
an error naming where it is used. Settings from the environment win over the file's.
`hub config validate` checks it, `hub config show` prints the effective configuration (secrets
masked), `hub config apply` creates or updates the file's connections.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FILE_NAME = "ledgerhub.yaml"
ENV_VAR = "LEDGERHUB_CONFIG"
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid; each problem names its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ConnectionEntry(BaseModel):
    """One connection the file declares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Display name; the connection's key in the file.")
    erp: str = Field(min_length=1)
    base_url: str
    auth_mode: str | None = None
    credentials: dict[str, str] = Field(default_factory=dict)
    scopes: list[str] | None = None
    tenant: str | None = None
    redirect_uri: str | None = None
    schedule: str | None = Field(None, description="Cron expression (UTC) of its syncs.")


class ConfigFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    settings: dict[str, Any] = Field(default_factory=dict)
    connections: list[ConnectionEntry] = Field(default_factory=list)


def config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The configuration file in force: `LEDGERHUB_CONFIG`, else ./ledgerhub.yaml, else None."""
    env = os.environ if environ is None else environ
    named = env.get(ENV_VAR)
    if named:
        return Path(named).expanduser()
    local = Path.cwd() / FILE_NAME
    return local if local.is_file() else None


def _expand(value: Any, where: str, environ: Mapping[str, str], problems: list[str]) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = environ.get(name)
            if found is None:
                if default is None:
                    problems.append(f"{where}: ${{{name}}} is not set in the environment")
                    return ""
                return default
            return found

        return _REFERENCE.sub(replace, value)
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}", environ, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, f"{where}[{i}]", environ, problems) for i, v in enumerate(value)]
    return value


def load(path: Path, environ: Mapping[str, str] | None = None) -> ConfigFile:
    """Read, expand and check the file's shape; ConfigError listing every problem."""
    import yaml

    env = os.environ if environ is None else environ
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read it ({exc.strerror})"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: not YAML: {exc}"]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: the top level must be a mapping (settings, connections)"])
    problems: list[str] = []
    expanded = _expand(raw, "", env, problems)
    if problems:
        raise ConfigError([p.lstrip(".") for p in problems])
    try:
        return ConfigFile.model_validate(expanded)
    except ValidationError as exc:
        raise ConfigError(
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None


def file_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The `settings:` of the file in force ({} without a file); ConfigError when invalid."""
    path = config_path(environ)
    if path is None:
        return {}
    if not path.is_file():
        raise ConfigError([f"{ENV_VAR}={path}: no such file"])
    return dict(load(path, environ).settings)


def check(config: ConfigFile) -> list[str]:
    """Problems beyond the shape: unknown settings, adapters, auth modes, credentials, URLs,
    cron expressions, duplicate names. Empty when the file is good."""
    from croniter import croniter

    from connectors.registry import get_adapter
    from hub.connect import check_url
    from hub.settings import Settings

    problems: list[str] = []
    known = set(Settings.model_fields)
    for key in config.settings:
        if key not in known:
            problems.append(f"settings.{key}: not a setting (see docs/configuration.md)")
    if not problems:
        try:
            Settings.model_validate(dict(config.settings))
        except ValidationError as exc:
            problems += [
                f"settings.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            ]
    seen: set[str] = set()
    for i, entry in enumerate(config.connections):
        where = f"connections[{i}] ({entry.name})"
        if entry.name in seen:
            problems.append(f"{where}.name: '{entry.name}' is declared twice")
        seen.add(entry.name)
        try:
            spec = get_adapter(entry.erp)
        except KeyError as exc:
            problems.append(f"{where}.erp: {exc.args[0]}")
            continue
        try:
            check_url("base URL", entry.base_url)
        except ValueError as exc:
            problems.append(f"{where}.base_url: {exc}")
        try:
            mode = spec.connector.mode_for(entry.auth_mode)
            mode.validate(entry.credentials)
        except (KeyError, ValueError) as exc:
            problems.append(f"{where}.credentials: {exc.args[0] if exc.args else exc}")
        if entry.schedule is not None and not croniter.is_valid(entry.schedule):
            problems.append(f"{where}.schedule: '{entry.schedule}' is not a cron expression")
    return problems


def validated(path: Path | None = None, environ: Mapping[str, str] | None = None) -> ConfigFile:
    """The file in force (or `path`), loaded and checked; ConfigError listing every problem."""
    path = path or config_path(environ)
    if path is None:
        raise ConfigError([f"no {FILE_NAME} here and {ENV_VAR} is not set"])
    config = load(path, environ)
    problems = check(config)
    if problems:
        raise ConfigError(problems)
    return config
