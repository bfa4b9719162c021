"""`hub serve`: the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API: /v1 (records, writes, webhooks), /docs, /openapi.json, /healthz.

    Binds 127.0.0.1 unless told otherwise. Example: hub serve --host 0.0.0.0 --port 8000
    """
    import uvicorn

    from hub.api.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info", access_log=False)


def register(root: typer.Typer) -> None:
    """Add `hub serve`."""
    root.command("serve")(serve)
