"""`/v1/inbound/{erp}/{connection_id}`: ERPs' own webhooks, so a change reaches platforms in
seconds instead of at the next poll.

No API key: the ERP's signature authenticates the call (Xero: `x-xero-signature`, HMAC-SHA256
of the body with the connection's webhook key, set with `PUT /v1/connections/{id}/erp-webhook-
key`). A valid notice starts an incremental sync of the resources it names, at once; an invalid
one gets 401 with an empty body, as Xero's "intent to receive" check expects.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, SecretStr

from connectors.xero import webhooks as xero_webhooks
from hub.api.deps import Rt, Writer, tenant_connection
from hub.jobs.runtime import Runtime
from hub.store import ConnectionView, NotFound

router = APIRouter(tags=["inbound ERP webhooks"])
keys_router = APIRouter(prefix="/v1/connections", tags=["connections"])

KEY_OPTION = "erp_webhook_key"


class ErpWebhookKey(BaseModel):
    """The webhook signing key the ERP shows for this app (Xero: "Webhook key")."""

    key: SecretStr = Field(min_length=1, max_length=500)


def _key(rt: Runtime, view: ConnectionView) -> str | None:
    sealed = view.options.get(KEY_OPTION)
    if not isinstance(sealed, str):
        return None
    return str(rt.store.box.open_str(sealed, context=f"erp-webhook:{view.id}"))


@keys_router.put("/{connection_id}/erp-webhook-key", status_code=204, summary="Set the ERP's "
                 "webhook key")  # fmt: skip
def set_key(connection_id: str, body: ErpWebhookKey, rt: Rt, caller: Writer) -> Response:
    """Store (sealed) the key that signs the ERP's notices to `/v1/inbound/...`."""
    view = tenant_connection(rt, caller, connection_id)
    sealed = rt.store.box.seal(body.key.get_secret_value(), context=f"erp-webhook:{view.id}")
    rt.store.connections.update(view.id, options={**view.options, KEY_OPTION: sealed})
    return Response(status_code=204)


@router.post(
    "/v1/inbound/xero/{connection_id}",
    summary="Xero webhooks (signed by Xero)",
    responses={200: {"description": "Taken (empty body)"},
               401: {"description": "The signature does not match (empty body)"}},
)  # fmt: skip
async def xero_notice(connection_id: str, request: Request, rt: Rt) -> Response:
    """200 (empty) and an incremental sync of what changed; 401 (empty) when the signature
    does not match."""
    from starlette.concurrency import run_in_threadpool

    body = await request.body()
    return await run_in_threadpool(
        _xero, rt, connection_id, body, request.headers.get(xero_webhooks.SIGNATURE_HEADER),
        request.state.request_id,
    )  # fmt: skip


def _xero(
    rt: Runtime, connection_id: str, body: bytes, header: str | None, request_id: str
) -> Response:
    from hub.jobs.enqueue import sync_sender
    from hub.jobs.scheduler import enqueue_sync

    try:
        view = rt.store.connections.get(connection_id)
    except NotFound:
        return Response(status_code=401)
    key = _key(rt, view) if view.erp == "xero" else None
    if key is None or not xero_webhooks.verify(key, body, header):
        return Response(status_code=401)
    if view.status == "active":
        for resource in sorted(xero_webhooks.resources_to_sync(body, view.remote_tenant_id)):
            enqueue_sync(rt, view.id, resource, sync_sender(rt), correlation_id=request_id)
    return Response(status_code=200)
