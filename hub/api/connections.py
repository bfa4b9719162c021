"""`/v1/connections`: connect ERP organisations, see their status, authorize them with OAuth.

Client-credentials connections are authorized when created. Authorization-code connections
answer `POST /v1/connections/{id}/authorize` with the ERP's URL (state bound to the tenant and
the connection, PKCE S256); the person approving lands on `GET /v1/oauth/callback`, which stores
the tokens encrypted and starts the first backfill.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from connectors.errors import ConnectorError
from connectors.oauth import AuthorizationRequest
from hub.api.deps import Reader, Rt, Writer, tenant_connection
from hub.api.problems import Problem, field_error
from hub.jobs.runtime import Runtime
from hub.store import ConnectionView, NotFound
from hub.store.api_tables import OAuthState
from hub.store.models import utcnow

router = APIRouter(prefix="/v1/connections", tags=["connections"])
callback_router = APIRouter(tags=["connections"])

STATE_TTL = timedelta(minutes=15)
Status = Literal["connected", "needs_reauthorization", "error"]


class ConnectionOut(BaseModel):
    """A connection as platforms see it (never its credentials)."""

    id: str
    erp: str
    display_name: str
    status: Status
    status_reason: str | None = Field(None, description="Why it is not `connected`.")
    remote_tenant_id: str | None
    base_url: str | None
    scopes: list[str]
    enabled: bool = Field(description="False once disabled: the scheduler leaves it alone.")
    schedule: str | None = Field(
        None, description="Its cron expression (UTC); null: every sync interval."
    )
    created_at: datetime
    updated_at: datetime


class ConnectionPatch(BaseModel):
    """Changes to a connection; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, min_length=1, max_length=200)
    base_url: str | None = Field(
        None,
        min_length=1,
        max_length=500,
        description="Where the ERP answers; checked like a new connection's (public addresses "
        "only, unless allowed by LEDGERHUB_ERP_ALLOWED_HOSTS).",
    )
    schedule: str | None = Field(
        None,
        max_length=120,
        description="A cron expression (UTC) for the scheduler, e.g. `*/15 * * * *`; null: "
        "back to the sync interval.",
    )
    enabled: bool | None = Field(
        None,
        description="false: stop syncing and writing; true: resume (a connection that never "
        "got tokens goes back to `needs_reauthorization`).",
    )


class ConnectionIn(BaseModel):
    """A connection to create."""

    erp: str = Field(description="The adapter, e.g. `xero`.", min_length=1, max_length=40)
    base_url: str = Field(min_length=1, max_length=500)
    client_id: str | None = Field(None, min_length=1, max_length=500)
    client_secret: SecretStr | None = Field(None, min_length=1)
    auth_mode: str | None = Field(
        None,
        description="One of the adapter's auth modes (`hub connections add --help` lists "
        "them); default: the one `grant` names.",
    )
    credentials: dict[str, SecretStr] | None = Field(
        None,
        description="The auth mode's credentials fields by name (client_id and client_secret "
        "are a shorthand for an OAuth client's). Never echoed back.",
    )
    grant: Literal["client_credentials", "authorization_code"] = "client_credentials"
    redirect_uri: str | None = Field(
        None,
        description="authorization_code: where the ERP sends the person back; "
        "default: this API's /v1/oauth/callback.",
    )
    display_name: str | None = Field(None, max_length=200)
    remote_tenant_id: str | None = Field(None, max_length=200)
    backfill: bool = Field(True, description="Start the first full sync once authorized.")


class ConnectionList(BaseModel):
    """The tenant's connections."""

    data: list[ConnectionOut]


class AuthorizationOut(BaseModel):
    """Where to send the person who approves access."""

    connection_id: str
    authorization_url: str
    expires_at: datetime


def _reason(rt: Runtime, view: ConnectionView) -> tuple[Status, str | None]:
    if view.status == "active":
        return "connected", None
    if view.status == "pending":
        return "needs_reauthorization", "not authorized yet: POST .../authorize"
    cases = rt.store.cases.list(status="open", connection_id=view.id, limit=20)
    auth = [c.cause for c in cases if c.category == "auth"]
    if view.status == "needs_reauth":
        return "needs_reauthorization", auth[0] if auth else "the ERP refused the stored consent"
    return "error", view.options.get("status_reason") or f"connection is {view.status}"


def connection_out(rt: Runtime, view: ConnectionView) -> ConnectionOut:
    """The API form of a stored connection."""
    status, reason = _reason(rt, view)
    return ConnectionOut(
        id=view.id,
        erp=view.erp,
        display_name=view.display_name,
        status=status,
        status_reason=reason,
        remote_tenant_id=view.remote_tenant_id,
        base_url=view.base_url,
        scopes=view.scopes,
        enabled=view.status != "disabled",
        schedule=view.options.get("schedule") or None,
        created_at=view.created_at,
        updated_at=view.updated_at,
    )


def start_backfill(rt: Runtime, connection_id: str, erp: str, correlation_id: str) -> None:
    """Queue the first full sync of every resource."""
    from hub.jobs.enqueue import sync_sender
    from hub.jobs.scheduler import enqueue_sync, syncable_resources

    send_full_sync = sync_sender(rt, full=True)
    for resource in syncable_resources(erp):
        enqueue_sync(
            rt, connection_id, resource, send_full_sync, full=True, correlation_id=correlation_id
        )


@router.get("", summary="List connections")
def list_connections(rt: Rt, caller: Reader) -> ConnectionList:
    """The tenant's connections, oldest first."""
    views = rt.store.connections.list(tenant_id=caller.tenant_id)
    return ConnectionList(data=[connection_out(rt, v) for v in views])


_VALUE_PATHS = (
    ("credentials for", "credentials"),
    ("base URL", "base_url"),
    ("redirect", "redirect_uri"),
)


@router.post("", status_code=201, summary="Create a connection")
def create_connection(
    body: ConnectionIn, request: Request, rt: Rt, caller: Writer
) -> ConnectionOut:
    """Store the connection with sealed credentials; client-credentials ones are authorized now
    (and backfilled), authorization-code ones wait for `/authorize`."""
    from connectors.registry import adapters
    from hub.connect import authorize_client_credentials
    from hub.connect import create_connection as create

    if body.erp not in adapters():
        known = ", ".join(sorted(adapters()))
        raise Problem(
            422,
            f"erp: unknown adapter '{body.erp}' (installed: {known})",
            errors=[{"path": "erp", "reason": f"not one of {known}"}],
        )
    from hub.connect import auth_mode_of

    try:
        mode = auth_mode_of(body.erp, body.auth_mode, None if body.auth_mode else body.grant)
    except ValueError as exc:
        raise Problem(
            422, f"auth_mode: {exc}", errors=[{"path": "auth_mode", "reason": str(exc)}]
        ) from None
    redirect = body.redirect_uri
    if mode.interactive and not redirect:
        redirect = str(request.url_for("oauth_callback"))
    values = {k: v.get_secret_value() for k, v in (body.credentials or {}).items()}
    try:
        view = create(
            rt,
            erp=body.erp,
            base_url=body.base_url,
            credentials=values,
            auth_mode=mode.name,
            client_id=body.client_id,
            client_secret=body.client_secret.get_secret_value() if body.client_secret else None,
            display_name=body.display_name,
            remote_tenant_id=body.remote_tenant_id,
            redirect_uri=redirect,
            tenant_id=caller.tenant_id,
        )
    except ValueError as exc:  # bad credentials, base URL or redirect URI, named in the text
        text = str(exc)
        path = next(
            (p for key, p in _VALUE_PATHS if key in text),
            "body",
        )
        raise Problem(422, f"{path}: {text}", errors=[{"path": path, "reason": text}]) from None
    if not mode.interactive:
        try:
            view = authorize_client_credentials(rt, view.id)
        except ConnectorError as exc:
            rt.forget(view.id)
            options = {**view.options, "status_reason": f"{exc.category}: {exc}"}
            view = rt.store.connections.update(view.id, status="disabled", options=options)
            return connection_out(rt, view)
        if body.backfill:
            start_backfill(rt, view.id, view.erp, request.state.request_id)
    return connection_out(rt, view)


@router.get("/{connection_id}", summary="Show a connection")
def show_connection(connection_id: str, rt: Rt, caller: Reader) -> ConnectionOut:
    """One connection and its status."""
    return connection_out(rt, tenant_connection(rt, caller, connection_id))


@router.patch("/{connection_id}", summary="Change a connection")
def update_connection(
    connection_id: str, body: ConnectionPatch, rt: Rt, caller: Writer
) -> ConnectionOut:
    """Rename it, move its base URL, set its schedule, disable or enable it. Every field is
    checked before anything changes; a refused one is a 422 naming it."""
    from croniter import croniter

    from hub.erpnet import check_base_url

    view = tenant_connection(rt, caller, connection_id)
    sent = body.model_fields_set
    for name in ("display_name", "base_url", "enabled"):
        if name in sent and getattr(body, name) is None:
            raise field_error(422, name, "may not be null")
    changes: dict[str, Any] = {}
    options = dict(view.options)
    if body.base_url is not None:
        try:
            check_base_url(rt.settings, body.base_url)
        except ValueError as exc:
            raise field_error(422, "base_url", str(exc)) from None
        changes["base_url"] = body.base_url
    if "schedule" in sent:
        if body.schedule is not None and not croniter.is_valid(body.schedule):
            raise field_error(
                422, "schedule", f"'{body.schedule}' is not a cron expression (e.g. */15 * * * *)"
            )
        if body.schedule:
            options["schedule"] = body.schedule
        else:
            options.pop("schedule", None)
    if body.display_name is not None:
        changes["display_name"] = body.display_name
    if body.enabled is False and view.status != "disabled":
        changes["status"] = "disabled"
        options["status_reason"] = "disabled through the API"
    elif body.enabled is True and view.status == "disabled":
        has_tokens = rt.store.tokens.load(connection_id) is not None
        changes["status"] = "active" if has_tokens else "pending"
        options.pop("status_reason", None)
    if options != view.options:
        changes["options"] = options
    if changes:
        view = rt.store.connections.update(connection_id, **changes)
        rt.forget(connection_id)
    return connection_out(rt, view)


@router.delete("/{connection_id}", status_code=204, summary="Delete a connection")
def delete_connection(connection_id: str, rt: Rt, caller: Writer) -> Response:
    """Remove the connection and its tokens; its synced records stay as history."""
    tenant_connection(rt, caller, connection_id)
    rt.store.connections.remove(connection_id)
    rt.forget(connection_id)
    return Response(status_code=204)


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


@router.post("/{connection_id}/authorize", summary="Start the OAuth authorization")
def authorize(connection_id: str, rt: Rt, caller: Writer) -> AuthorizationOut:
    """The ERP's authorization URL for a person to approve; valid for 15 minutes."""
    from hub.connect import begin_authorization

    view = tenant_connection(rt, caller, connection_id)
    if view.options.get("grant") != "refresh_token":
        raise Problem(
            409,
            f"connection {connection_id} uses client credentials; it is authorized when created",
        )
    pending = begin_authorization(rt, connection_id)
    expires = utcnow() + STATE_TTL
    sealed = rt.store.box.seal_json(
        {"state": pending.request.state, "code_verifier": pending.request.code_verifier},
        context=f"oauth:{connection_id}",
    )
    with rt.store.sessions.begin() as session:
        session.add(
            OAuthState(
                state_digest=_digest(pending.request.state),
                tenant_id=caller.tenant_id,
                connection_id=connection_id,
                sealed=sealed,
                created_at=utcnow(),
                expires_at=expires,
            )
        )
    return AuthorizationOut(
        connection_id=connection_id, authorization_url=pending.request.url, expires_at=expires
    )


class CallbackOut(BaseModel):
    """The outcome of an authorization."""

    connection: ConnectionOut


@callback_router.get("/v1/oauth/callback", name="oauth_callback", summary="OAuth callback")
def oauth_callback(request: Request, rt: Rt, state: str = "", code: str = "") -> CallbackOut:
    """Where the ERP sends the approving person: checks the state (once, unexpired, bound to
    its tenant and connection), trades the code for tokens with the PKCE verifier, stores them
    encrypted and starts the first backfill."""
    from hub.connect import PendingAuthorization, complete_authorization

    if not state:
        raise Problem(400, "state: missing", errors=[{"path": "state", "reason": "missing"}])
    with rt.store.sessions.begin() as session:
        row = session.get(OAuthState, _digest(state), with_for_update=True)
        if row is None or row.used_at is not None or row.expires_at <= utcnow():
            raise Problem(
                400,
                "state: unknown, used or expired; start the authorization again",
                errors=[{"path": "state", "reason": "unknown, used or expired"}],
            )
        row.used_at = utcnow()
        connection_id, sealed = row.connection_id, row.sealed
    try:
        view = rt.store.connections.get(connection_id)
    except NotFound:
        raise Problem(404, f"connection {connection_id} was deleted") from None
    kept = rt.store.box.open_json(sealed, context=f"oauth:{connection_id}")
    pending = PendingAuthorization(
        view, AuthorizationRequest(url="", state=kept["state"], code_verifier=kept["code_verifier"])
    )
    view = complete_authorization(rt, pending, str(request.url))
    start_backfill(rt, view.id, view.erp, request.state.request_id)
    return CallbackOut(connection=connection_out(rt, view))
