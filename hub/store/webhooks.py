"""Webhook endpoints, their messages and delivery attempts.

A message is one event for one endpoint, created when the outbox is dispatched (`fan_out`,
idempotent per endpoint and event). Delivery claims messages with a lease (`claim`): a message
is claimable when it is due, and no earlier message of the same endpoint and record (its
`ordering_key`) is still unfinished — so one record's events arrive in order while other
records' go in parallel. A worker that dies mid-delivery leaves its lease to expire; the message
is claimed again (at least once, never dropped).
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Integer, Select, Table, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from canonical.ids import new_id
from hub.crypto import SecretBox
from hub.logging import register_secret
from hub.store.api_tables import WebhookAttempt, WebhookEndpoint, WebhookMessage
from hub.store.errors import NotFound
from hub.store.models import utcnow
from hub.store.outbox import OutboxItem
from hub.store.upsert import insert_ignore

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret
UNFINISHED = ("pending", "sending")
OPENED_CACHE = 1024
"""Endpoints whose opened secrets a repository keeps (`delivery_target`)."""

_MESSAGES = cast(Table, WebhookMessage.__table__)
_ATTEMPTS = cast(Table, WebhookAttempt.__table__)
_ENDPOINTS = cast(Table, WebhookEndpoint.__table__)
"""The tables, for the set-based statements of a delivery round (no ORM objects)."""


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def type_matches(patterns: Iterable[str], event_type: str) -> bool:
    """True when an endpoint's `event_types` take this type (`*`, `invoice.*` or exact)."""
    for pattern in patterns:
        if pattern in ("*", event_type):
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


class EndpointView(BaseModel):
    """An endpoint without its secrets."""

    model_config = ConfigDict(frozen=True)

    id: str
    tenant_id: str
    url: str
    description: str
    event_types: list[str]
    status: str
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime


class MessageView(BaseModel):
    """A message: the event body as sent, and where its delivery stands."""

    model_config = ConfigDict(frozen=True)

    id: str
    endpoint_id: str
    tenant_id: str
    event_id: str
    event_seq: int
    event_type: str
    ordering_key: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    replayed_at: datetime | None


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt got: the status (None: no answer), time, first bytes, error."""

    status_code: int | None
    latency_ms: int
    snippet: str | None
    error: str | None


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: `delivered`, `gone` (410), `dead` or `retry` (when)."""

    message: MessageView
    result: AttemptResult
    outcome: str
    next_attempt_at: datetime | None = None


class AttemptView(BaseModel):
    """One delivery attempt."""

    model_config = ConfigDict(frozen=True)

    id: int
    message_id: str
    endpoint_id: str
    attempt: int
    status_code: int | None
    latency_ms: int
    response_snippet: str | None
    error: str | None
    created_at: datetime


def _endpoint(row: WebhookEndpoint) -> EndpointView:
    return EndpointView.model_validate(row, from_attributes=True)


def _message(row: WebhookMessage) -> MessageView:
    return MessageView.model_validate(row, from_attributes=True)


def _move(session: Session, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Move attempted messages on: delivered, dead, or back in line for their retry."""
    messages = _MESSAGES
    moved = messages.update().where(messages.c.id == bindparam("b_id"))
    moved = moved.values(attempts=messages.c.attempts + 1, lease_until=None)
    delivered = [o.message.id for o in outcomes if o.outcome == "delivered"]
    if delivered:
        session.execute(
            messages.update()
            .where(messages.c.id.in_(delivered))
            .values(
                attempts=messages.c.attempts + 1,
                lease_until=None,
                last_error=None,
                status="delivered",
                finished_at=now,
            )
        )
    finished = [o for o in outcomes if o.outcome in ("dead", "gone")]
    if finished:
        session.execute(
            moved.values(status="dead", finished_at=now, last_error=bindparam("b_error")),
            [{"b_id": o.message.id, "b_error": o.result.error} for o in finished],
        )
    retried = [o for o in outcomes if o.outcome not in ("delivered", "dead", "gone")]
    if retried:
        session.execute(
            moved.values(
                status="pending",
                next_attempt_at=bindparam("b_next"),
                last_error=bindparam("b_error"),
            ),
            [
                {
                    "b_id": o.message.id,
                    "b_error": o.result.error,
                    "b_next": o.next_attempt_at or now,
                }
                for o in retried
            ],
        )


def _claim_statements() -> tuple[Select[Any], Any]:
    """The claim's two statements, built once (a round claims often): the due, unblocked
    messages of an enabled endpoint in order, and the lease on those still due."""
    now = bindparam("now", type_=_MESSAGES.c.next_attempt_at.type)
    earlier = aliased(WebhookMessage)
    blocked = (
        select(earlier.id)
        .where(
            earlier.endpoint_id == WebhookMessage.endpoint_id,
            earlier.ordering_key == WebhookMessage.ordering_key,
            earlier.event_seq < WebhookMessage.event_seq,
            earlier.status.in_(UNFINISHED),
        )
        .exists()
    )
    due = or_(
        and_(WebhookMessage.status == "pending", WebhookMessage.next_attempt_at <= now),
        and_(WebhookMessage.status == "sending", WebhookMessage.lease_until <= now),
    )
    claimable = (
        select(_MESSAGES)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookMessage.endpoint_id)
        .where(
            WebhookMessage.endpoint_id == bindparam("endpoint_id"),
            WebhookEndpoint.status == "enabled",
        )
        .where(due, ~blocked)
        .order_by(WebhookMessage.event_seq)
        .limit(bindparam("limit", type_=Integer()))
    )
    lease = (
        _MESSAGES.update()
        .where(_MESSAGES.c.id.in_(bindparam("ids", expanding=True)), due)
        .values(
            status="sending",
            lease_until=bindparam("lease_until", type_=_MESSAGES.c.lease_until.type),
        )
        .returning(_MESSAGES.c.id)
    )
    return claimable, lease


_CLAIMABLE, _LEASE = _claim_statements()


class WebhookRepository:
    """Endpoints, messages and attempts."""

    def __init__(self, sessions: sessionmaker[Session], box: SecretBox) -> None:
        self._sessions = sessions
        self._box = box
        self._opened: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._opened_lock = threading.Lock()

    # ------------------------------------------------------------------ endpoints

    def create_endpoint(
        self, tenant_id: str, url: str, event_types: Sequence[str], description: str = ""
    ) -> tuple[EndpointView, str]:
        """A new endpoint and its signing secret (shown once)."""
        secret = new_secret()
        eid = new_id("whe")
        now = utcnow()
        with self._sessions.begin() as session:
            row = WebhookEndpoint(
                id=eid,
                tenant_id=tenant_id,
                url=url,
                description=description,
                event_types=list(event_types),
                status="enabled",
                secrets=self._seal(eid, [{"secret": secret, "expires_at": None}]),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return _endpoint(row), secret

    def get_endpoint(self, tenant_id: str, endpoint_id: str) -> EndpointView:
        """The tenant's endpoint; NotFound for another tenant's."""
        with self._sessions() as session:
            return _endpoint(self._row(session, tenant_id, endpoint_id))

    def endpoint(self, endpoint_id: str) -> EndpointView:
        """Any tenant's endpoint (delivery); NotFound when there is none."""
        with self._sessions() as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None:
                raise NotFound(f"no webhook endpoint {endpoint_id}")
            return _endpoint(row)

    def list_endpoints(self, tenant_id: str | None = None) -> list[EndpointView]:
        """Endpoints, oldest first (every tenant's when `tenant_id` is None)."""
        stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
        if tenant_id is not None:
            stmt = stmt.where(WebhookEndpoint.tenant_id == tenant_id)
        with self._sessions() as session:
            return [_endpoint(r) for r in session.scalars(stmt)]

    def update_endpoint(self, tenant_id: str, endpoint_id: str, **changes: Any) -> EndpointView:
        """Change `url`, `event_types`, `description` or `status` (enabling clears the reason)."""
        allowed = {"url", "event_types", "description", "status"}
        if set(changes) - allowed:
            raise ValueError(f"cannot update {sorted(set(changes) - allowed)}")
        with self._sessions.begin() as session:
            row = self._row(session, tenant_id, endpoint_id)
            for key, value in changes.items():
                setattr(row, key, value)
            if changes.get("status") == "enabled":
                row.disabled_reason = None
                row.failing_since = None
            row.updated_at = utcnow()
            session.flush()
            return _endpoint(row)

    def delete_endpoint(self, tenant_id: str, endpoint_id: str) -> None:
        """Remove the endpoint with its messages and attempts."""
        with self._sessions.begin() as session:
            row = self._row(session, tenant_id, endpoint_id)
            session.execute(delete(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint_id))
            session.execute(delete(WebhookMessage).where(WebhookMessage.endpoint_id == endpoint_id))
            session.delete(row)

    def rotate_secret(self, tenant_id: str, endpoint_id: str, overlap: timedelta) -> str:
        """A new secret; the current ones keep signing until `overlap` has passed."""
        secret = new_secret()
        ends = (utcnow() + overlap).isoformat()
        with self._sessions.begin() as session:
            row = self._row(session, tenant_id, endpoint_id, lock=True)
            kept = [
                {"secret": s["secret"], "expires_at": s["expires_at"] or ends}
                for s in self._open(row)
                if s["expires_at"] is None or datetime.fromisoformat(s["expires_at"]) > utcnow()
            ]
            row.secrets = self._seal(endpoint_id, [{"secret": secret, "expires_at": None}, *kept])
            row.updated_at = utcnow()
        return secret

    def signing_secrets(self, endpoint_id: str) -> list[str]:
        """The secrets that sign deliveries now: the newest first, then those in overlap."""
        return self.delivery_target(endpoint_id)[1]

    def delivery_target(self, endpoint_id: str) -> tuple[EndpointView, list[str]]:
        """The endpoint as stored now and the secrets that sign its deliveries now (newest
        first, then those in overlap), read in one query; NotFound when there is none.

        A delivery round reads this before every batch, so a new URL, a disabled endpoint or
        a rotated secret counts from the next batch on. The sealed secrets are only opened
        again when they changed (the envelope is the cache key).
        """
        with self._sessions() as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None:
                raise NotFound(f"no webhook endpoint {endpoint_id}")
            view = _endpoint(row)
            sealed = row.secrets
        values = self._opened.get((endpoint_id, sealed))
        if values is None:
            values = self._box.open_json(sealed, context=f"webhook:{endpoint_id}")
            for value in values:
                register_secret(value["secret"])
            with self._opened_lock:
                if len(self._opened) >= OPENED_CACHE:
                    self._opened.clear()
                self._opened[(endpoint_id, sealed)] = values
        now = utcnow()
        return view, [
            s["secret"]
            for s in values
            if s["expires_at"] is None or datetime.fromisoformat(s["expires_at"]) > now
        ]

    def disable(self, endpoint_id: str, reason: str) -> EndpointView | None:
        """Stop delivering to an endpoint (410 Gone, or failing for too long)."""
        with self._sessions.begin() as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            if row is None or row.status == "disabled":
                return None
            row.status = "disabled"
            row.disabled_reason = reason
            row.updated_at = utcnow()
            session.flush()
            return _endpoint(row)

    def reseal_all(self) -> int:
        """Seal every endpoint's secrets again with the current key; the number changed."""
        changed = 0
        with self._sessions.begin() as session:
            for row in session.scalars(select(WebhookEndpoint).with_for_update()):
                fresh = self._box.reseal(row.secrets, context=f"webhook:{row.id}")
                if fresh != row.secrets:
                    row.secrets = fresh
                    changed += 1
        return changed

    # ------------------------------------------------------------------ messages

    def fan_out(self, items: Sequence[OutboxItem], tenants: dict[str, str]) -> dict[str, int]:
        """Messages for every enabled endpoint whose tenant and types match; per endpoint that
        matched, how many messages are new (0 when a repeated dispatch found them made).

        `tenants` maps connection ids to tenant ids; an event without a connection names its
        tenant in `data.tenant_id`. An endpoint only gets events that happened after it was
        created.
        """
        endpoints = [e for e in self.list_endpoints() if e.status == "enabled"]
        if not endpoints or not items:
            return {}
        rows: list[dict[str, Any]] = []
        now = utcnow()
        for item in items:
            tenant = tenants.get(item.connection_id or "") or item.data.get("tenant_id")
            body: str | None = None
            for endpoint in endpoints:
                if endpoint.tenant_id != tenant or item.created_at < endpoint.created_at:
                    continue
                if not type_matches(endpoint.event_types, item.type):
                    continue
                body = body or item.to_event().model_dump_json()
                rows.append(
                    {
                        "id": new_id("msg"),
                        "endpoint_id": endpoint.id,
                        "tenant_id": tenant,
                        "event_id": item.id,
                        "event_seq": item.seq,
                        "event_type": item.type,
                        "ordering_key": str(item.data.get("id") or item.id)[:80],
                        "body": body,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                )
        created: dict[str, int] = {}
        with self._sessions.begin() as session:
            for row in rows:
                new = insert_ignore(
                    session, WebhookMessage.__table__, [row], ["endpoint_id", "event_id"]
                )
                created[row["endpoint_id"]] = created.get(row["endpoint_id"], 0) + new
        return created

    def claim(self, endpoint_id: str, limit: int, lease: timedelta) -> list[MessageView]:
        """Up to `limit` due messages of an enabled endpoint, leased to the caller, in order."""
        now = utcnow()
        leased = {"status": "sending", "lease_until": now + lease}
        params = {"endpoint_id": endpoint_id, "now": now, "limit": limit}
        with self._sessions.begin() as session:
            rows = session.execute(_CLAIMABLE, params).mappings().all()
            # One statement claims them all; a row another worker claimed first is left out
            # (its status or lease changed since the select).
            won = set(
                session.scalars(
                    _LEASE,
                    {
                        "now": now,
                        "ids": [r["id"] for r in rows],
                        "lease_until": leased["lease_until"],
                    },
                )
            )
            return [MessageView.model_validate({**r, **leased}) for r in rows if r["id"] in won]

    def record_attempts(self, endpoint_id: str, outcomes: Sequence[Outcome]) -> None:
        """Keep a batch's attempts and move each message, in one transaction; the endpoint's
        failing clock starts at a batch without a success and stops at one with a success.

        Set-based (a handful of statements per batch, whatever its size): the attempt numbers
        come from the stored counts read in the same transaction, as each message's count
        moves up by one.
        """
        if not outcomes:
            return
        now = utcnow()
        messages = _MESSAGES
        with self._sessions.begin() as session:
            ids = [o.message.id for o in outcomes]
            found = session.execute(
                select(messages.c.id, messages.c.attempts).where(messages.c.id.in_(ids))
            )
            counts: dict[str, int] = {mid: n for mid, n in found.all()}  # noqa: C416
            kept = [o for o in outcomes if o.message.id in counts]
            if kept:
                session.execute(
                    insert(_ATTEMPTS),
                    [
                        {
                            "message_id": o.message.id,
                            "endpoint_id": endpoint_id,
                            "attempt": counts[o.message.id] + 1,
                            "status_code": o.result.status_code,
                            "latency_ms": o.result.latency_ms,
                            "response_snippet": o.result.snippet,
                            "error": o.result.error,
                            "created_at": now,
                        }
                        for o in kept
                    ],
                )
                _move(session, kept, now)
            endpoints = _ENDPOINTS
            clock = endpoints.update().where(endpoints.c.id == endpoint_id)
            if any(o.outcome == "delivered" for o in outcomes):
                clock = clock.where(endpoints.c.failing_since.is_not(None))
                session.execute(clock.values(failing_since=None))
            else:
                clock = clock.where(endpoints.c.failing_since.is_(None))
                session.execute(clock.values(failing_since=now))

    def release(self, message_ids: Sequence[str]) -> int:
        """Give messages this worker just claimed back unsent (due as they were, no attempt
        counted); the number released. Only for a claim whose lease is still running."""
        if not message_ids:
            return 0
        messages = _MESSAGES
        with self._sessions.begin() as session:
            done = session.connection().execute(
                messages.update()
                .where(messages.c.id.in_(list(message_ids)), messages.c.status == "sending")
                .values(status="pending", lease_until=None)
            )
            return int(done.rowcount or 0)

    def next_due(self, endpoint_id: str) -> datetime | None:
        """When the endpoint's next message becomes claimable (None: nothing is waiting)."""
        with self._sessions() as session:
            pending = session.scalar(
                select(func.min(WebhookMessage.next_attempt_at)).where(
                    WebhookMessage.endpoint_id == endpoint_id, WebhookMessage.status == "pending"
                )
            )
            leased = session.scalar(
                select(func.min(WebhookMessage.lease_until)).where(
                    WebhookMessage.endpoint_id == endpoint_id, WebhookMessage.status == "sending"
                )
            )
        times = [t for t in (pending, leased) if t is not None]
        return min(times) if times else None

    def dead_messages(self, tenant_id: str, include_replayed: bool = False) -> list[MessageView]:
        """The tenant's dead messages, oldest first."""
        stmt = (
            select(WebhookMessage)
            .where(WebhookMessage.tenant_id == tenant_id)
            .order_by(WebhookMessage.finished_at, WebhookMessage.id)
        )
        dead = WebhookMessage.status == "dead"
        replayed = WebhookMessage.replayed_at.is_not(None)
        stmt = stmt.where(or_(dead, replayed) if include_replayed else dead)
        with self._sessions() as session:
            return [_message(r) for r in session.scalars(stmt)]

    def replay(self, tenant_id: str, message_id: str) -> MessageView:
        """Put a dead message back in line (same id: same `webhook-id`), attempts from zero."""
        with self._sessions.begin() as session:
            row = session.get(WebhookMessage, message_id, with_for_update=True)
            if row is None or row.tenant_id != tenant_id:
                raise NotFound(f"no dead letter {message_id}")
            row.status, row.attempts, row.finished_at = "pending", 0, None
            row.next_attempt_at = row.replayed_at = utcnow()
            session.flush()
            return _message(row)

    def attempts(
        self, tenant_id: str, endpoint_id: str, before: int | None, limit: int
    ) -> list[AttemptView]:
        """The endpoint's attempts, newest first, with ids below `before`."""
        with self._sessions() as session:
            self._row(session, tenant_id, endpoint_id)
            stmt = (
                select(WebhookAttempt)
                .where(WebhookAttempt.endpoint_id == endpoint_id)
                .order_by(WebhookAttempt.id.desc())
                .limit(limit)
            )
            if before is not None:
                stmt = stmt.where(WebhookAttempt.id < before)
            return [
                AttemptView.model_validate(r, from_attributes=True) for r in session.scalars(stmt)
            ]

    def messages(self, endpoint_id: str) -> list[MessageView]:
        """Every message of an endpoint in event order (tests, the demo)."""
        stmt = (
            select(WebhookMessage)
            .where(WebhookMessage.endpoint_id == endpoint_id)
            .order_by(WebhookMessage.event_seq)
        )
        with self._sessions() as session:
            return [_message(r) for r in session.scalars(stmt)]

    # ------------------------------------------------------------------ helpers

    def _row(
        self, session: Session, tenant_id: str, endpoint_id: str, lock: bool = False
    ) -> WebhookEndpoint:
        row = session.get(WebhookEndpoint, endpoint_id, with_for_update=lock)
        if row is None or row.tenant_id != tenant_id:
            raise NotFound(f"no webhook endpoint {endpoint_id}")
        return row

    def _seal(self, endpoint_id: str, values: list[dict[str, Any]]) -> str:
        for value in values:
            register_secret(value["secret"])
        return self._box.seal_json(values, context=f"webhook:{endpoint_id}")

    def _open(self, row: WebhookEndpoint) -> list[dict[str, Any]]:
        values = self._box.open_json(row.secrets, context=f"webhook:{row.id}")
        for value in values:
            register_secret(value["secret"])
        return list(values)
