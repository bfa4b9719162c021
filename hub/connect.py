"""Connect: create a connection, authorize it through the ERP's OAuth flow, keep its tokens.

Two grants: client credentials (a machine connection: the token is fetched at once) and
authorization code with PKCE (a person approves in the browser; the callback URL they land on
is handed back to `complete_authorization`). Either way the tokens go into the store encrypted,
the connection's tenant is looked up, and the connection becomes `active`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors.auth import AuthMode
from connectors.oauth import AuthorizationRequest
from connectors.registry import get_adapter
from hub.jobs.runtime import Runtime
from hub.store import ConnectionView


@dataclass(frozen=True)
class PendingAuthorization:
    """An authorization under way: the URL to visit and what the callback is checked against."""

    connection: ConnectionView
    request: AuthorizationRequest


def _tenant_name(runtime: Runtime) -> str:
    tenants = runtime.store.connections.list_tenants()
    if tenants:
        return tenants[0].id
    return runtime.store.connections.create_tenant("default").id


def auth_mode_of(erp: str, auth_mode: str | None = None, grant: str | None = None) -> AuthMode:
    """The adapter's auth mode by name, or the one a legacy `grant` name stands for."""
    return get_adapter(erp).connector.mode_for(auth_mode, grant)


def create_connection(
    runtime: Runtime,
    *,
    erp: str,
    base_url: str,
    credentials: Mapping[str, Any] | None = None,
    auth_mode: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    display_name: str | None = None,
    grant: str = "client_credentials",
    remote_tenant_id: str | None = None,
    redirect_uri: str | None = None,
    scopes: list[str] | None = None,
    options: dict[str, Any] | None = None,
    tenant_id: str | None = None,
) -> ConnectionView:
    """A pending connection with sealed credentials (nothing is sent to the ERP yet).

    `credentials` are the fields of the auth mode's credentials model; `client_id` and
    `client_secret` are a shorthand for an OAuth client's. Every argument is checked before
    anything is stored: a ValueError names the bad one (a credentials field by its name).
    """
    spec = get_adapter(erp)
    if grant not in {"client_credentials", "authorization_code"}:
        raise ValueError(f"grant must be client_credentials or authorization_code, not '{grant}'")
    check_url("base URL", base_url)
    mode = auth_mode_of(spec.name, auth_mode, None if auth_mode else grant)
    if mode.interactive:
        if not redirect_uri:
            raise ValueError(f"--redirect-uri is required for the {mode.name} mode")
        check_url("redirect URI", redirect_uri)
    values = dict(credentials or {})
    if client_id is not None:
        values.setdefault("client_id", client_id)
    if client_secret is not None:
        values.setdefault("client_secret", client_secret)
    sealed = mode.validate(values)
    opts = dict(options or {})
    opts["auth_mode"] = mode.name
    opts["grant"] = mode.grant or "none"
    if redirect_uri:
        opts["redirect_uri"] = redirect_uri
    return runtime.store.connections.create(
        tenant_id=tenant_id or _tenant_name(runtime),
        erp=spec.name,
        display_name=display_name or f"{spec.title} at {base_url}",
        remote_tenant_id=remote_tenant_id,
        scopes=scopes or list(spec.default_scopes),
        base_url=base_url,
        credentials=sealed,
        options=opts,
    )


def check_url(what: str, url: str) -> None:
    """ValueError unless `url` is an absolute http(s) URL with a host."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"{what} '{url}' is not a URL: {exc}") from None
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError(
            f"{what} '{url}' must be an absolute http:// or https:// URL "
            f"(e.g. https://api.xero.com or http://127.0.0.1:8701)"
        )


def discard(runtime: Runtime, connection_id: str) -> None:
    """Remove a connection whose set-up failed, leaving nothing of it behind."""
    runtime.forget(connection_id)
    with contextlib.suppress(LookupError):
        runtime.store.connections.remove(connection_id)


def _activate(runtime: Runtime, connection_id: str) -> ConnectionView:
    runtime.forget(connection_id)
    connector = runtime.connector(connection_id)
    changes: dict[str, Any] = {"status": "active"}
    tenant = connector.tenant_id  # looked up from the ERP where it has to be
    if tenant is not None:
        changes["remote_tenant_id"] = tenant
    view = runtime.store.connections.update(connection_id, **changes)
    runtime.forget(connection_id)
    return view


def authorize_client_credentials(runtime: Runtime, connection_id: str) -> ConnectionView:
    """Sign in without a person (first token, where there is one) and activate the connection."""
    runtime.connector(connection_id).authorize()
    return _activate(runtime, connection_id)


def begin_authorization(runtime: Runtime, connection_id: str) -> PendingAuthorization:
    """The authorization URL (with state and PKCE) for a person to approve."""
    request = runtime.connector(connection_id).begin_authorization()
    return PendingAuthorization(runtime.store.connections.get(connection_id), request)


def complete_authorization(
    runtime: Runtime, pending: PendingAuthorization, callback_url: str
) -> ConnectionView:
    """Check the callback, trade its code for tokens, store them and activate the connection."""
    connection_id = pending.connection.id
    runtime.connector(connection_id).complete_authorization(callback_url, pending.request)
    return _activate(runtime, connection_id)
