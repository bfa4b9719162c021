"""The hub's tables as typed SQLAlchemy 2 models; the same schema on PostgreSQL and SQLite.

JSON columns are JSONB on PostgreSQL. Times are stored in UTC and always read back UTC-aware
(SQLite keeps no zone, so `UtcDateTime` puts it back). Secrets are stored only sealed
(`hub.crypto`): `connections.credentials` and `tokens.sealed` hold envelopes, never plaintext.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")
"""JSON everywhere, JSONB on PostgreSQL."""

BigId = BigInteger().with_variant(Integer(), "sqlite")
"""An auto-incrementing integer key (SQLite only auto-increments INTEGER PRIMARY KEY)."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back with tzinfo=UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times; store UTC (naive on SQLite, which has no zone)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Always UTC-aware."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic relies on them)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        datetime: UtcDateTime,
    }


class Tenant(Base):
    """A customer of the hub; connections belong to a tenant."""

    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Connection(Base):
    """One tenant's link to one ERP organisation."""

    __tablename__ = "connections"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    erp: Mapped[str] = mapped_column(String(40))
    remote_tenant_id: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    base_url: Mapped[str | None] = mapped_column(String(500))
    credentials: Mapped[str | None] = mapped_column(Text)  # sealed JSON
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Token(Base):
    """A connection's OAuth token set, sealed."""

    __tablename__ = "tokens"
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    sealed: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StoredRecord(Base):
    """A canonical record as last read from its ERP, keyed by (connection, object, remote id)."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("connection_id", "object", "remote_id"),
        Index(None, "connection_id", "object", "updated_at"),
        # The API lists an object's records in hub-id order, a page at a time.
        Index(None, "object", "hub_id"),
        # A key scan lists the stored records one resource of a connection read.
        Index(None, "connection_id", "resource"),
    )
    hub_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(40))
    remote_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    raw: Mapped[dict[str, Any] | None]
    remote_updated_at: Mapped[datetime | None]
    remote_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    mapping_version: Mapped[int | None]  # the connection's spec version that shaped it
    resource: Mapped[str | None] = mapped_column(String(60))  # the resource that last read it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Binding(Base):
    """Remote id <-> hub id, minted once per (connection, object, remote id) and kept."""

    __tablename__ = "bindings"
    __table_args__ = (UniqueConstraint("connection_id", "object", "remote_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(40))
    remote_id: Mapped[str] = mapped_column(String(200))
    hub_id: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cursor(Base):
    """Where the next incremental sync of (connection, object) starts."""

    __tablename__ = "cursors"
    connection_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    object: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncRun(Base):
    """One sync of one object of one connection, with its counts."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index(None, "connection_id", "object", "started_at"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="running")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    correlation_id: Mapped[str] = mapped_column(String(80))
    # Until when the process working on (or the queue holding) a running run vouches for it;
    # renewed while it works. A running run past its lease has lost its process.
    lease_expires_at: Mapped[datetime | None]


class WriteRequest(Base):
    """A canonical record to write to an ERP, once, under an idempotency key."""

    __tablename__ = "write_requests"
    __table_args__ = (UniqueConstraint("connection_id", "idempotency_key"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    connection_id: Mapped[str] = mapped_column(String(40), index=True)
    object: Mapped[str] = mapped_column(String(40))
    operation: Mapped[str] = mapped_column(String(20), default="create")
    idempotency_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]]
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    remote_id: Mapped[str | None] = mapped_column(String(200))
    hub_id: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    error_category: Mapped[str | None] = mapped_column(String(20))
    correlation_id: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxEvent(Base):
    """An event waiting for the dispatcher; `seq` gives the delivery order."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    connection_id: Mapped[str | None] = mapped_column(String(40))
    correlation_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(index=True)


class ExceptionCase(Base):
    """One cause of failure, grouped: the same cause on many records is one case."""

    __tablename__ = "exception_cases"
    __table_args__ = (Index(None, "status", "category"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_key: Mapped[str] = mapped_column(String(64), unique=True)
    connection_id: Mapped[str | None] = mapped_column(String(40), index=True)
    object: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    cause: Mapped[str] = mapped_column(Text)
    erp_message: Mapped[str | None] = mapped_column(Text)
    erp_code: Mapped[str | None] = mapped_column(String(100))
    correlation_id: Mapped[str | None] = mapped_column(String(80))
    occurrences: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    sla_seconds: Mapped[int]
    action: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    resolved_by: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[datetime | None]
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class CaseRecord(Base):
    """A record (or job) affected by a case; the case resolves when none is left open."""

    __tablename__ = "exception_case_records"
    case_id: Mapped[str] = mapped_column(
        ForeignKey("exception_cases.id", ondelete="CASCADE"), primary_key=True
    )
    record_ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    occurrences: Mapped[int] = mapped_column(default=0)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class DeadLetter(Base):
    """A job that exhausted its attempts or failed for good, kept for replay."""

    __tablename__ = "dead_letters"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the broker's message id
    actor: Mapped[str] = mapped_column(String(100))
    queue: Mapped[str] = mapped_column(String(100))
    message_args: Mapped[list[Any]]
    message_kwargs: Mapped[dict[str, Any]]
    error: Mapped[str] = mapped_column(Text)
    case_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]


class MappingSpecVersion(Base):
    """One version of a connection's mapping spec for one canonical object."""

    __tablename__ = "mapping_specs"
    __table_args__ = (UniqueConstraint("connection_id", "object", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the spec as given (YAML or JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomField(Base):
    """A tenant's custom field definition."""

    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(63))
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CustomFieldBinding(Base):
    """Where one connection's ERP keeps one custom field."""

    __tablename__ = "custom_field_bindings"
    __table_args__ = (UniqueConstraint("connection_id", "key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(63))
    place: Mapped[str] = mapped_column(String(60))
    param: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MappingDecision(Base):
    """A reviewer's accept or reject of a suggested (ERP field, canonical path) pair."""

    __tablename__ = "mapping_decisions"
    __table_args__ = (Index(None, "erp", "object", "source"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(40), index=True)
    connection_id: Mapped[str] = mapped_column(String(40))
    erp: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300))
    target: Mapped[str | None] = mapped_column(String(300))
    accepted: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
