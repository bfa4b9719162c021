"""Tenants and connections; a connection's credentials are sealed at rest, whole.

The credentials are the adapter's credentials model (an OAuth client, NetSuite's token-based
keys, a user and password): the store seals every field of it, with the names of its secret
fields, and registers those secrets with the log redactor when it opens them. `ConnectionView`
never carries the credentials: ask `credentials(connection_id)` for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import new_id
from connectors.auth import Credentials, OAuthClient
from hub.crypto import SecretBox
from hub.logging import register_secret
from hub.store.errors import NotFound
from hub.store.models import (
    Binding,
    CaseRecord,
    Connection,
    Cursor,
    ExceptionCase,
    OutboxEvent,
    StoredRecord,
    SyncRun,
    Tenant,
    Token,
    WriteRequest,
)

STATUSES = ("pending", "active", "needs_reauth", "disabled")
"""A connection's life: created, authorised, lost its consent, switched off."""


ClientCredentials = OAuthClient
"""The OAuth client of a connection (the most common credentials model)."""

_SECRET_FIELDS = "_secret_fields"  # noqa: S105 - the key naming the secret fields, not a secret


class OpenedCredentials:
    """A connection's opened credentials: fields as attributes, secret ones as `SecretStr`.

    Its repr names the fields, never a value; `values()` gives the plain values the adapter's
    credentials model validates.
    """

    def __init__(self, values: dict[str, Any], secret_fields: list[str]) -> None:
        self._values = dict(values)
        self._secret = frozenset(secret_fields)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values", {})
        if name not in values:
            raise AttributeError(name)
        value = values[name]
        return SecretStr(value) if name in self._secret and isinstance(value, str) else value

    def values(self) -> dict[str, Any]:
        """Every field's plain value (secrets opened): for the adapter's credentials model."""
        return dict(self._values)

    def __repr__(self) -> str:
        return f"OpenedCredentials({', '.join(sorted(self._values))})"

    __str__ = __repr__


class TenantView(BaseModel):
    """A tenant."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    created_at: datetime


class ConnectionView(BaseModel):
    """A connection as the rest of the hub sees it (no credentials)."""

    model_config = ConfigDict(frozen=True)

    id: str
    tenant_id: str
    erp: str
    remote_tenant_id: str | None
    display_name: str
    status: str
    scopes: list[str]
    base_url: str | None
    options: dict[str, Any]
    has_credentials: bool
    created_at: datetime
    updated_at: datetime


def _view(row: Connection) -> ConnectionView:
    return ConnectionView(
        id=row.id,
        tenant_id=row.tenant_id,
        erp=row.erp,
        remote_tenant_id=row.remote_tenant_id,
        display_name=row.display_name,
        status=row.status,
        scopes=list(row.scopes),
        base_url=row.base_url,
        options=dict(row.options),
        has_credentials=row.credentials is not None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _context(connection_id: str) -> str:
    return f"connection:{connection_id}"


class ConnectionRepository:
    """Creates, reads, updates and removes tenants and connections."""

    def __init__(self, sessions: sessionmaker[Session], box: SecretBox) -> None:
        self._sessions = sessions
        self._box = box

    def create_tenant(self, name: str, tenant_id: str | None = None) -> TenantView:
        """A new tenant (or the existing one with `tenant_id`)."""
        with self._sessions.begin() as session:
            if tenant_id and (row := session.get(Tenant, tenant_id)) is not None:
                return TenantView.model_validate(row, from_attributes=True)
            row = Tenant(id=tenant_id or new_id("ten"), name=name)
            session.add(row)
            session.flush()
            return TenantView.model_validate(row, from_attributes=True)

    def list_tenants(self) -> list[TenantView]:
        """Every tenant."""
        with self._sessions() as session:
            rows = session.scalars(select(Tenant).order_by(Tenant.id))
            return [TenantView.model_validate(r, from_attributes=True) for r in rows]

    def create(
        self,
        *,
        tenant_id: str,
        erp: str,
        display_name: str,
        remote_tenant_id: str | None = None,
        scopes: list[str] | None = None,
        base_url: str | None = None,
        credentials: Credentials | None = None,
        options: dict[str, Any] | None = None,
        status: str = "pending",
        connection_id: str | None = None,
    ) -> ConnectionView:
        """A new connection, its credentials sealed."""
        _check_status(status)
        cid = connection_id or new_id("con")
        with self._sessions.begin() as session:
            row = Connection(
                id=cid,
                tenant_id=tenant_id,
                erp=erp,
                remote_tenant_id=remote_tenant_id,
                display_name=display_name,
                status=status,
                scopes=list(scopes or []),
                base_url=base_url,
                credentials=self._seal(cid, credentials) if credentials else None,
                options=dict(options or {}),
            )
            session.add(row)
            session.flush()
            return _view(row)

    def get(self, connection_id: str) -> ConnectionView:
        """The connection; NotFound when there is none."""
        with self._sessions() as session:
            row = session.get(Connection, connection_id)
            if row is None:
                raise NotFound(f"no connection {connection_id}")
            return _view(row)

    def list(self, tenant_id: str | None = None, erp: str | None = None) -> list[ConnectionView]:
        """Connections, oldest first."""
        stmt = select(Connection).order_by(Connection.created_at, Connection.id)
        if tenant_id:
            stmt = stmt.where(Connection.tenant_id == tenant_id)
        if erp:
            stmt = stmt.where(Connection.erp == erp)
        with self._sessions() as session:
            return [_view(r) for r in session.scalars(stmt)]

    def update(self, connection_id: str, **changes: Any) -> ConnectionView:
        """Change `status`, `display_name`, `remote_tenant_id`, `scopes`, `base_url`, `options`."""
        allowed = {"status", "display_name", "remote_tenant_id", "scopes", "base_url", "options"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        if "status" in changes:
            _check_status(changes["status"])
        with self._sessions.begin() as session:
            row = session.get(Connection, connection_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no connection {connection_id}")
            for key, value in changes.items():
                setattr(row, key, value)
            session.flush()
            return _view(row)

    def set_credentials(self, connection_id: str, credentials: Credentials) -> None:
        """Replace the connection's credentials."""
        with self._sessions.begin() as session:
            row = session.get(Connection, connection_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no connection {connection_id}")
            row.credentials = self._seal(connection_id, credentials)

    def credentials(self, connection_id: str) -> OpenedCredentials | None:
        """The connection's credentials, opened (the adapter validates them); None if none."""
        with self._sessions() as session:
            sealed = session.scalar(
                select(Connection.credentials).where(Connection.id == connection_id)
            )
        if sealed is None:
            return None
        values = dict(self._box.open_json(sealed, context=_context(connection_id)))
        # Credentials sealed before the field list was kept are an OAuth client's.
        secret_fields = list(values.pop(_SECRET_FIELDS, ["client_secret"]))
        for name in secret_fields:
            if isinstance(values.get(name), str) and values[name]:
                register_secret(values[name])
        return OpenedCredentials(values, secret_fields)

    def remove(self, connection_id: str, *, keep_records: bool = False) -> dict[str, int]:
        """Delete the connection and everything kept for it, in one transaction.

        Gone: its tokens, cursors, sync runs, write requests, exception cases and, unless
        `keep_records`, its records, their id bindings and its events. Returns the number of
        rows removed per kind.
        """
        owned: list[Any] = [Cursor, SyncRun, WriteRequest]
        if not keep_records:
            owned += [StoredRecord, Binding, OutboxEvent]
        removed: dict[str, int] = {}
        with self._sessions.begin() as session:
            row = session.get(Connection, connection_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no connection {connection_id}")
            cases = select(ExceptionCase.id).where(ExceptionCase.connection_id == connection_id)
            session.execute(delete(CaseRecord).where(CaseRecord.case_id.in_(cases)))
            removed["exception_cases"] = _count(
                session.execute(
                    delete(ExceptionCase).where(ExceptionCase.connection_id == connection_id)
                )
            )
            for model in owned:
                result = session.execute(delete(model).where(model.connection_id == connection_id))
                removed[model.__tablename__] = _count(result)
            session.execute(delete(Token).where(Token.connection_id == connection_id))
            session.delete(row)
        return removed

    def reseal_all(self) -> int:
        """Seal every connection's credentials again with the current key; the number changed."""
        changed = 0
        with self._sessions.begin() as session:
            stmt = select(Connection).where(Connection.credentials.is_not(None)).with_for_update()
            for row in session.scalars(stmt):
                assert row.credentials is not None
                fresh = self._box.reseal(row.credentials, context=_context(row.id))
                if fresh != row.credentials:
                    row.credentials = fresh
                    changed += 1
        return changed

    def _seal(self, connection_id: str, credentials: Credentials) -> str:
        for secret in credentials.secrets():
            register_secret(secret)
        values = credentials.sealable()
        values[_SECRET_FIELDS] = credentials.secret_fields()
        return self._box.seal_json(values, context=_context(connection_id))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown connection status '{status}'; one of {', '.join(STATUSES)}")
