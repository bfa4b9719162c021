"""API keys and idempotency records: who may call the API, and what a repeated request gets.

A key is `lhk_` + 43 URL-safe characters (256 random bits), shown once; the store keeps its
SHA-256 digest and its first characters (to tell keys apart in a list). A key belongs to one
tenant and has one scope: `read` < `write` < `admin`.

An idempotency record holds, per tenant and `Idempotency-Key`, the digest of the request that
first used the key and, once that request finished, its response; `begin` answers what a new
request with the key should get.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import new_id
from hub.store.api_tables import ApiKey, IdempotencyRecord
from hub.store.errors import NotFound
from hub.store.models import utcnow
from hub.store.upsert import insert_ignore

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
KEY_PREFIX = "lhk_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""`last_used_at` is written at most this often per key (not on every request)."""


def key_digest(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def scope_allows(held: str, needed: str) -> bool:
    """True when a key of scope `held` may do what needs `needed`."""
    return SCOPES.index(held) >= SCOPES.index(needed)


class ApiKeyView(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(frozen=True)

    id: str
    tenant_id: str
    name: str
    scope: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utcnow())


def _view(row: ApiKey) -> ApiKeyView:
    return ApiKeyView.model_validate(row, from_attributes=True)


class ApiKeyRepository:
    """Creates, checks, lists, revokes and rotates API keys."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(
        self, tenant_id: str, scope: str, name: str = "", expires_at: datetime | None = None
    ) -> tuple[ApiKeyView, str]:
        """A new key: its view and the key itself (shown once, never stored)."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not '{scope}'")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            row = ApiKey(
                id=new_id("key"),
                tenant_id=tenant_id,
                name=name,
                scope=scope,
                prefix=key[:12],
                digest=key_digest(key),
                created_at=utcnow(),
                expires_at=expires_at,
            )
            session.add(row)
            session.flush()
            return _view(row), key

    def authenticate(self, key: str) -> ApiKeyView | None:
        """The active key this secret is, or None."""
        with self._sessions() as session:
            row = session.scalars(select(ApiKey).where(ApiKey.digest == key_digest(key))).first()
            if row is None:
                return None
            view = _view(row)
        if not view.active:
            return None
        now = utcnow()
        if view.last_used_at is None or now - view.last_used_at > LAST_USED_RESOLUTION:
            with self._sessions.begin() as session:
                stored = session.get(ApiKey, view.id)
                if stored is not None:
                    stored.last_used_at = now
        return view

    def list(self, tenant_id: str, include_revoked: bool = False) -> list[ApiKeyView]:
        """The tenant's keys, oldest first."""
        stmt = select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.id)
        if not include_revoked:
            stmt = stmt.where(ApiKey.revoked_at.is_(None))
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def get(self, tenant_id: str, key_id: str) -> ApiKeyView:
        """One of the tenant's keys; NotFound for another tenant's."""
        with self._sessions() as session:
            return _view(self._row(session, tenant_id, key_id))

    def revoke(self, tenant_id: str, key_id: str) -> ApiKeyView:
        """Revoke a key at once."""
        with self._sessions.begin() as session:
            row = self._row(session, tenant_id, key_id)
            row.revoked_at = row.revoked_at or utcnow()
            session.flush()
            return _view(row)

    def rotate(
        self, tenant_id: str, key_id: str, overlap: timedelta
    ) -> tuple[ApiKeyView, str, ApiKeyView]:
        """A new key like the old one; the old one stays valid for `overlap`, then expires."""
        old = self.get(tenant_id, key_id)
        if not old.active:
            raise ValueError(f"key {key_id} is revoked or expired; create a new one")
        new, secret = self.create(tenant_id, old.scope, old.name)
        with self._sessions.begin() as session:
            row = self._row(session, tenant_id, key_id)
            ends = utcnow() + overlap
            row.expires_at = min(row.expires_at, ends) if row.expires_at else ends
            session.flush()
            return new, secret, _view(row)

    def _row(self, session: Session, tenant_id: str, key_id: str) -> ApiKey:
        row = session.get(ApiKey, key_id)
        if row is None or row.tenant_id != tenant_id:
            raise NotFound(f"no API key {key_id}")
        return row


@dataclass(frozen=True)
class Begun:
    """What a request carrying an idempotency key should do.

    `outcome`: `new` (go ahead, then `finish(record_id, ...)`), `replay` (answer the stored
    response), `mismatch` (the key was used for another request) or `running` (the first request
    with the key has not finished).
    """

    outcome: Literal["new", "replay", "mismatch", "running"]
    record_id: str
    status: int | None = None
    body: str | None = None
    headers: dict[str, Any] | None = None


class IdempotencyRepository:
    """Idempotency records per tenant and key, kept for a time to live."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def begin(self, tenant_id: str, key: str, request_digest: str, ttl: timedelta) -> Begun:
        """Claim the key for this request, or say what the earlier use of it means."""
        now = utcnow()
        with self._sessions.begin() as session:
            # An expired record is forgotten: the key is as good as new.
            session.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.tenant_id == tenant_id,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.expires_at <= now,
                )
            )
            rid = new_id("idk")
            row = {
                "id": rid,
                "tenant_id": tenant_id,
                "key": key,
                "request_digest": request_digest,
                "status": "running",
                "created_at": now,
                "expires_at": now + ttl,
            }
            insert_ignore(session, IdempotencyRecord.__table__, [row], ["tenant_id", "key"])
            stored = session.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key
                )
            ).one()
        if stored.id == rid:
            return Begun("new", rid)
        if stored.request_digest != request_digest:
            return Begun("mismatch", stored.id)
        if stored.status != "done":
            return Begun("running", stored.id)
        return Begun(
            "replay",
            stored.id,
            stored.response_status,
            stored.response_body,
            dict(stored.response_headers or {}),
        )

    def finish(self, record_id: str, status: int, body: str, headers: dict[str, Any]) -> None:
        """Keep the response the request got, for every replay."""
        with self._sessions.begin() as session:
            row = session.get(IdempotencyRecord, record_id)
            if row is None:
                return
            row.status = "done"
            row.response_status = status
            row.response_body = body
            row.response_headers = headers

    def abandon(self, record_id: str) -> None:
        """Forget a claim whose request failed unexpectedly, so the client may try again."""
        with self._sessions.begin() as session:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))

    def purge_expired(self) -> int:
        """Delete expired records; the number deleted."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)
