"""`hub db`: the store's schema (Alembic migrations)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from hub.settings import get_settings

app = typer.Typer(
    help="The store's schema: upgrade it, or see where it stands.", no_args_is_help=True
)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the store's tables (PostgreSQL or the embedded SQLite file).

    Example: LEDGERHUB_DATABASE_URL=postgresql://hub@db/hub hub db upgrade
    """
    from hub.store.db import current_revision, upgrade

    url = get_settings().database_url
    upgrade(url, revision)
    typer.echo(f"{_safe_url(url)} is at revision {current_revision(url)}")


@app.command("current")
def current_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the store's revision and the newest one this version knows.

    Example: hub db current --json
    """
    from hub.store.db import current_revision, head_revision

    url = get_settings().database_url
    current, head = current_revision(url), head_revision()
    if as_json:
        payload = {"database": _safe_url(url), "current": current, "head": head}
        typer.echo(json.dumps({**payload, "up_to_date": current == head}))
        return
    state = "up to date" if current == head else "run `hub db upgrade`"
    typer.echo(f"{_safe_url(url)}: revision {current or 'none'} (newest {head}; {state})")


@app.command("rotate-keys")
def rotate_keys_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-seal every stored credential and token with a new secret key.

    With the embedded key (no LEDGERHUB_SECRET_KEY) the command generates the new key itself
    and puts it into DATA_DIR/secret.key once everything is re-sealed. With your own keys, set
    the new key in LEDGERHUB_SECRET_KEY and the former one in LEDGERHUB_OLD_SECRET_KEYS, run
    this, then remove the former key (a secret.key file holding it is updated too).

    Example: hub db rotate-keys

    Example: LEDGERHUB_SECRET_KEY=NEW LEDGERHUB_OLD_SECRET_KEYS=OLD hub db rotate-keys
    """
    from hub.cli.common import friendly_errors
    from hub.settings import rotation_settings

    with friendly_errors():
        settings, finish = rotation_settings(get_settings())
        from hub.store import Store

        store = Store.from_settings(settings)
        try:
            changed = store.rotate_keys()
            key = store.box.current_key_id
        finally:
            store.dispose()
        where = finish()
    if as_json:
        typer.echo(json.dumps({"resealed": changed, "key_id": key, "key_file": where}))
    else:
        typer.echo(f"re-sealed {changed} secret(s) with key {key}")
        if where:
            typer.echo(f"{where} now holds the new key: back it up")


def register(root: typer.Typer) -> None:
    """Add `hub db` to the root command."""
    root.add_typer(app, name="db")
