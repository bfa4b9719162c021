"""`/v1/webhook-endpoints`: where a tenant's events are delivered, signed per Standard Webhooks.

An endpoint has a URL (checked by the SSRF guard at creation and again at every delivery), the
event types it wants (`invoice.*`, `invoice.deleted`, `*`), a description and a signing secret
(`whsec_...`, shown once). `rotate-secret` makes a new secret; the old one keeps signing beside
it for `LEDGERHUB_WEBHOOK_SECRET_OVERLAP_SECONDS`. Every delivery attempt is kept and listed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from canonical import EventType
from connectors.netguard import DestinationRefused, NetGuard
from hub.api.deps import Reader, Rt, Writer, decode_cursor, page
from hub.api.problems import Problem, field_error
from hub.jobs.runtime import Runtime
from hub.store import NotFound
from hub.store.webhooks import EndpointView

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["webhooks"])

_TYPES = frozenset(t.value for t in EventType)
_FAMILIES = frozenset(t.split(".", 1)[0] for t in _TYPES)


class EndpointOut(BaseModel):
    """An endpoint (its secret is shown only when created or rotated)."""

    id: str
    url: str
    description: str
    event_types: list[str]
    status: Literal["enabled", "disabled"]
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: EndpointView) -> EndpointOut:
        """From the store's view."""
        return cls.model_validate(view.model_dump())


class EndpointCreated(EndpointOut):
    """A new endpoint with its signing secret, shown this once."""

    secret: str = Field(description="`whsec_` + base64; verify deliveries with it.")


class EndpointIn(BaseModel):
    """An endpoint to create."""

    url: str = Field(min_length=1, max_length=2048)
    event_types: list[str] = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)


class EndpointPatch(BaseModel):
    """Changes to an endpoint (`status: enabled` re-enables a disabled one)."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    event_types: list[str] | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=500)
    status: Literal["enabled", "disabled"] | None = None


class EndpointList(BaseModel):
    """The tenant's endpoints."""

    data: list[EndpointOut]


class SecretRotated(BaseModel):
    """The new secret, and until when the previous one still signs."""

    secret: str
    previous_valid_until: datetime


class RotateIn(BaseModel):
    """No options (yet): send `{}`."""


class AttemptOut(BaseModel):
    """One delivery attempt."""

    id: int
    webhook_id: str = Field(description="The `webhook-id` the attempt was sent with.")
    attempt: int
    status: int | None = Field(description="The receiver's HTTP status; null: no answer.")
    latency_ms: int
    response: str | None = Field(description="The first bytes of the receiver's answer.")
    error: str | None
    created_at: datetime


class AttemptList(BaseModel):
    """Attempts, newest first."""

    data: list[AttemptOut]
    next_cursor: str | None = None


def _check_url(rt: Runtime, url: str) -> None:
    guard = NetGuard.from_hosts(rt.settings.webhook_allowed_hosts)
    try:
        guard.check_url(url)
    except DestinationRefused as exc:
        raise field_error(422, "url", exc.reason, f"url: {exc}") from None


def _check_types(types: list[str]) -> list[str]:
    for index, pattern in enumerate(types):
        ok = pattern == "*" or pattern in _TYPES
        ok = ok or (pattern.endswith(".*") and pattern[:-2] in _FAMILIES)
        if not ok:
            raise field_error(
                422, f"event_types[{index}]", f"'{pattern}' is not an event type or a wildcard"
            )
    return list(dict.fromkeys(types))


def _endpoint(rt: Runtime, tenant_id: str, endpoint_id: str) -> EndpointView:
    try:
        return rt.store.webhooks.get_endpoint(tenant_id, endpoint_id)
    except NotFound:
        raise Problem(404, f"no webhook endpoint {endpoint_id}") from None


@router.post("", status_code=201, summary="Create a webhook endpoint")
def create_endpoint(body: EndpointIn, rt: Rt, caller: Writer) -> EndpointCreated:
    """Subscribe a URL to event types; it receives the events that happen from now on."""
    types = _check_types(body.event_types)
    _check_url(rt, body.url)
    view, secret = rt.store.webhooks.create_endpoint(
        caller.tenant_id, body.url, types, body.description
    )
    return EndpointCreated(**EndpointOut.of(view).model_dump(), secret=secret)


@router.get("", summary="List webhook endpoints")
def list_endpoints(rt: Rt, caller: Reader) -> EndpointList:
    """The tenant's endpoints, oldest first."""
    views = rt.store.webhooks.list_endpoints(caller.tenant_id)
    return EndpointList(data=[EndpointOut.of(v) for v in views])


@router.get("/{endpoint_id}", summary="Show a webhook endpoint")
def show_endpoint(endpoint_id: str, rt: Rt, caller: Reader) -> EndpointOut:
    """One endpoint and its status."""
    return EndpointOut.of(_endpoint(rt, caller.tenant_id, endpoint_id))


@router.patch("/{endpoint_id}", summary="Change a webhook endpoint")
def update_endpoint(endpoint_id: str, body: EndpointPatch, rt: Rt, caller: Writer) -> EndpointOut:
    """Change the URL, types, description, or enable/disable it."""
    _endpoint(rt, caller.tenant_id, endpoint_id)
    changes = body.model_dump(exclude_none=True)
    if "event_types" in changes:
        changes["event_types"] = _check_types(changes["event_types"])
    if "url" in changes:
        _check_url(rt, changes["url"])
    view = rt.store.webhooks.update_endpoint(caller.tenant_id, endpoint_id, **changes)
    if changes.get("status") == "enabled":
        from hub.webhooks.delivery import schedule_next

        schedule_next(rt, endpoint_id)  # what waited while it was disabled goes out now
    return EndpointOut.of(view)


@router.delete("/{endpoint_id}", status_code=204, summary="Delete a webhook endpoint")
def delete_endpoint(endpoint_id: str, rt: Rt, caller: Writer) -> Response:
    """Stop delivering and forget the endpoint's messages and attempts."""
    _endpoint(rt, caller.tenant_id, endpoint_id)
    rt.store.webhooks.delete_endpoint(caller.tenant_id, endpoint_id)
    return Response(status_code=204)


@router.post("/{endpoint_id}/rotate-secret", summary="Rotate the signing secret")
def rotate_secret(endpoint_id: str, body: RotateIn, rt: Rt, caller: Writer) -> SecretRotated:
    """A new secret; during the overlap every delivery carries both signatures."""
    _endpoint(rt, caller.tenant_id, endpoint_id)
    overlap = timedelta(seconds=rt.settings.webhook_secret_overlap_seconds)
    secret = rt.store.webhooks.rotate_secret(caller.tenant_id, endpoint_id, overlap)
    until = _endpoint(rt, caller.tenant_id, endpoint_id).updated_at + overlap
    return SecretRotated(secret=secret, previous_valid_until=until)


@router.get("/{endpoint_id}/attempts", summary="List delivery attempts")
def list_attempts(
    endpoint_id: str,
    rt: Rt,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str | None = None,
) -> AttemptList:
    """Every attempt: the webhook id, the status, the latency and the first bytes back."""
    _endpoint(rt, caller.tenant_id, endpoint_id)
    position = decode_cursor(cursor)
    before = position.get("after")
    if before is not None and not before.isdigit():
        raise field_error(400, "cursor", "not a cursor this API returned")
    rows = rt.store.webhooks.attempts(
        caller.tenant_id, endpoint_id, int(before) if before else None, limit + 1
    )
    items = [
        AttemptOut(
            id=a.id,
            webhook_id=a.message_id,
            attempt=a.attempt,
            status=a.status_code,
            latency_ms=a.latency_ms,
            response=a.response_snippet,
            error=a.error,
            created_at=a.created_at,
        ).model_dump(mode="json")
        for a in rows
    ]
    return AttemptList.model_validate(page(items, limit, lambda a: {"after": str(a["id"])}))
