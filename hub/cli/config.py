"""`hub config`: the configuration file (ledgerhub.yaml): validate it, show it, apply it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hub.cli.common import JSON_OPTION, err, friendly_errors, get_runtime, print_json, table

if TYPE_CHECKING:
    from hub.config import ConfigFile, ConnectionEntry
    from hub.jobs.runtime import Runtime

app = typer.Typer(
    help="The configuration file (ledgerhub.yaml): validate, show, apply.", no_args_is_help=True
)

FILE_OPTION = typer.Option(
    "--file", "-f", help="The file (default: LEDGERHUB_CONFIG, else ./ledgerhub.yaml)."
)
SECRET_SETTINGS = {"secret_key", "old_secret_keys", "webhook_signing_secret"}
URL_SETTINGS = {"database_url", "broker_url", "redis_url"}


def _load(path: Path | None) -> tuple[Path, ConfigFile]:
    from hub.config import ConfigError, config_path, validated

    found = path or config_path()
    try:
        return found or Path(), validated(found)
    except ConfigError as exc:
        err.print(f"[red]error:[/red] {found or 'ledgerhub.yaml'} is not valid:")
        for problem in exc.problems:
            err.print(f"  {problem}")
        raise typer.Exit(2) from None


@app.command("validate")
def validate(
    path: Annotated[Path | None, FILE_OPTION] = None,
) -> None:
    """Check the configuration file: its shape, settings, connections, credentials, schedules.

    Example: hub config validate --file ledgerhub.yaml

    Every problem is printed with its place (connections[0].schedule: ...); exit status 2 when
    there is one. Environment variables the file refers to (${VAR}) must be set.
    """
    found, config = _load(path)
    err.print(
        f"{found}: valid ({len(config.settings)} setting(s), "
        f"{len(config.connections)} connection(s))"
    )


def _mask_url(value: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(value).render_as_string(hide_password=True)
    except Exception:  # not a SQLAlchemy URL (amqp://...): hide everything after the scheme
        return value.split("://", 1)[0] + "://***" if "://" in value else "***"


def _shown(name: str, value: Any) -> Any:
    from pydantic import SecretStr

    if value is None or value in ([], ""):
        return value
    secret = isinstance(value, SecretStr) or (
        isinstance(value, list) and any(isinstance(v, SecretStr) for v in value)
    )
    if secret or name in SECRET_SETTINGS:
        return "***"
    if name in URL_SETTINGS:
        return _mask_url(str(value))
    if isinstance(value, Path):
        return str(value)
    return value


@app.command("show")
def show(
    path: Annotated[Path | None, FILE_OPTION] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Print the effective configuration: each setting with its value and where it comes from
    (environment, file, default), then the file's connections. Secrets are masked.

    Example: hub config show --json
    """
    from hub.config import config_path
    from hub.settings import get_settings

    found = path or config_path()
    config = _load(found)[1] if found is not None else None
    file_values = config.settings if config else {}
    with friendly_errors():
        settings = get_settings()
    rows = []
    for name in type(settings).model_fields:
        if f"LEDGERHUB_{name.upper()}" in os.environ:
            source = "environment"
        elif name in file_values:
            source = "file"
        else:
            source = "default"
        rows.append(
            {"setting": name, "value": _shown(name, getattr(settings, name)), "source": source}
        )
    connections = [
        {
            **entry.model_dump(exclude={"credentials"}),
            "credentials": dict.fromkeys(entry.credentials, "***"),
        }
        for entry in (config.connections if config else [])
    ]
    if as_json:
        print_json(
            {"file": str(found) if found else None, "settings": rows, "connections": connections}
        )
        return
    table(
        "Settings",
        ["setting", "value", "source"],
        [(r["setting"], r["value"], r["source"]) for r in rows],
    )
    table(
        f"Connections in {found}" if found else "Connections (no configuration file)",
        ["name", "erp", "base url", "auth mode", "schedule"],
        [
            (c["name"], c["erp"], c["base_url"], c["auth_mode"] or "", c["schedule"] or "")
            for c in connections
        ],
    )


def _apply_one(
    runtime: Runtime, entry: ConnectionEntry, existing: dict[str, Any]
) -> tuple[str, str, str]:
    """(connection id, action, detail) for one declared connection."""
    from connectors.registry import get_adapter
    from hub.connect import authorize_client_credentials, create_connection, discard

    store = runtime.store
    spec = get_adapter(entry.erp)
    mode = spec.connector.mode_for(entry.auth_mode)
    view = existing.get(entry.name)
    if view is not None:
        changes: dict[str, Any] = {}
        if view.base_url != entry.base_url:
            changes["base_url"] = entry.base_url
        if entry.scopes is not None and list(view.scopes) != entry.scopes:
            changes["scopes"] = entry.scopes
        if view.options.get("schedule") != entry.schedule:
            changes["options"] = {**view.options, "schedule": entry.schedule}
        store.connections.set_credentials(view.id, mode.validate(entry.credentials))
        if changes:
            store.connections.update(view.id, **changes)
        runtime.forget(view.id)
        return view.id, "updated" if changes else "unchanged", ", ".join(changes)
    if mode.interactive:
        return (
            "",
            "skipped",
            (
                f"the {mode.name} mode needs a person: run `hub connections add {entry.erp} "
                f"--auth-mode {mode.name} ...` for it"
            ),
        )
    created = create_connection(
        runtime,
        erp=entry.erp,
        base_url=entry.base_url,
        credentials=entry.credentials,
        auth_mode=mode.name,
        display_name=entry.name,
        remote_tenant_id=entry.tenant,
        redirect_uri=entry.redirect_uri,
        scopes=entry.scopes,
        options={"schedule": entry.schedule} if entry.schedule else None,
    )
    try:
        created = authorize_client_credentials(runtime, created.id)
    except Exception:
        discard(runtime, created.id)  # nothing half-made stays behind
        raise
    return created.id, "created", created.status


@app.command("apply")
def apply(
    path: Annotated[Path | None, FILE_OPTION] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Create or update the file's connections (matched by name), signing in where no person
    is needed; schedules, base URLs, scopes and credentials follow the file.

    Example: XERO_CLIENT_SECRET=... hub config apply --file ledgerhub.yaml

    The file is validated first: nothing changes when it has a problem. A connection that
    cannot sign in is not kept (its error is printed; exit status 1). Connections not in the
    file are left alone.
    """
    from connectors.errors import ConnectorError

    _found, config = _load(path)
    runtime = get_runtime()
    existing = {v.display_name: v for v in runtime.store.connections.list()}
    results = []
    failed = False
    for entry in config.connections:
        try:
            with friendly_errors():
                connection_id, action, detail = _apply_one(runtime, entry, existing)
        except typer.Exit:
            failed = True
            connection_id, action, detail = "", "failed", "see the error above"
        except ConnectorError as exc:  # pragma: no cover - friendly_errors turns these into Exit
            failed = True
            connection_id, action, detail = "", "failed", str(exc)
        results.append(
            {"name": entry.name, "connection": connection_id, "action": action, "detail": detail}
        )
    if as_json:
        print_json(results)
    else:
        table(
            "Applied",
            ["name", "connection", "action", "detail"],
            [(r["name"], r["connection"], r["action"], r["detail"]) for r in results],
        )
    if failed:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Add `hub config`."""
    root.add_typer(app, name="config")
