"""Mapping specs (versioned), tenant custom fields, their bindings, and reviewers' decisions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.store.models import (
    Connection,
    CustomField,
    CustomFieldBinding,
    MappingDecision,
    MappingSpecVersion,
    utcnow,
)
from mappings.customfields import Binding, CustomFieldDef


class SpecVersionView(BaseModel):
    """One stored version of a spec: its text, who stored it and when."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    connection_id: str
    object: str
    version: int
    body: str
    created_by: str
    comment: str
    created_at: datetime


class DecisionView(BaseModel):
    """One stored accept or reject."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    tenant_id: str
    connection_id: str
    erp: str
    object: str
    source: str
    target: str | None
    accepted: bool
    decided_by: str
    created_at: datetime


class MappingRepository:
    """Reads and writes the mapping tables."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # -- specs ---------------------------------------------------------------------------------

    def put_spec(
        self, connection_id: str, object_name: str, body: str, created_by: str, comment: str = ""
    ) -> SpecVersionView:
        """Store `body` as the next version of the connection's spec for `object_name`."""
        for _ in range(50):  # writers at once: each loser takes the next number
            try:
                with self._sessions.begin() as session:
                    latest = session.scalar(
                        select(func.max(MappingSpecVersion.version)).where(
                            MappingSpecVersion.connection_id == connection_id,
                            MappingSpecVersion.object == object_name,
                        )
                    )
                    row = MappingSpecVersion(
                        connection_id=connection_id,
                        object=object_name,
                        version=(latest or 0) + 1,
                        body=body,
                        created_by=created_by,
                        comment=comment,
                        created_at=utcnow(),
                    )
                    session.add(row)
                    session.flush()
                    return SpecVersionView.model_validate(row)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not store a new version of {connection_id}'s {object_name} spec")

    def current_spec(self, connection_id: str, object_name: str) -> SpecVersionView | None:
        """The newest version, or None when the connection has no spec for the object."""
        history = self.spec_history(connection_id, object_name, limit=1)
        return history[0] if history else None

    def current_specs(self, connection_id: str) -> dict[str, SpecVersionView]:
        """The newest version of each object's spec of a connection."""
        newest = (
            select(MappingSpecVersion.object, func.max(MappingSpecVersion.version).label("v"))
            .where(MappingSpecVersion.connection_id == connection_id)
            .group_by(MappingSpecVersion.object)
            .subquery()
        )
        stmt = select(MappingSpecVersion).join(
            newest,
            (MappingSpecVersion.object == newest.c.object)
            & (MappingSpecVersion.version == newest.c.v),
        )
        stmt = stmt.where(MappingSpecVersion.connection_id == connection_id)
        with self._sessions() as session:
            return {
                row.object: SpecVersionView.model_validate(row) for row in session.scalars(stmt)
            }

    def spec_history(
        self, connection_id: str, object_name: str, limit: int | None = None
    ) -> list[SpecVersionView]:
        """Every version, newest first."""
        stmt = (
            select(MappingSpecVersion)
            .where(
                MappingSpecVersion.connection_id == connection_id,
                MappingSpecVersion.object == object_name,
            )
            .order_by(MappingSpecVersion.version.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [SpecVersionView.model_validate(r) for r in session.scalars(stmt)]

    # -- custom fields -------------------------------------------------------------------------

    def define_field(self, tenant_id: str, definition: CustomFieldDef) -> bool:
        """Create or replace a definition; True when it is new."""
        data = definition.model_dump(mode="json")
        with self._sessions.begin() as session:
            row = session.scalars(
                select(CustomField).where(
                    CustomField.tenant_id == tenant_id, CustomField.key == definition.key
                )
            ).first()
            if row is None:
                session.add(CustomField(tenant_id=tenant_id, key=definition.key, definition=data))
                return True
            row.definition = data
            row.updated_at = utcnow()
            return False

    def fields(self, tenant_id: str) -> list[CustomFieldDef]:
        """The tenant's definitions, by key."""
        stmt = select(CustomField).where(CustomField.tenant_id == tenant_id)
        with self._sessions() as session:
            rows = session.scalars(stmt.order_by(CustomField.key))
            return [CustomFieldDef.model_validate(r.definition) for r in rows]

    def remove_field(self, tenant_id: str, key: str) -> bool:
        """Delete a definition and its bindings on the tenant's connections; False if unknown."""
        with self._sessions.begin() as session:
            gone = session.execute(
                delete(CustomField).where(
                    CustomField.tenant_id == tenant_id, CustomField.key == key
                )
            )
            connections = select(Connection.id).where(Connection.tenant_id == tenant_id)
            session.execute(
                delete(CustomFieldBinding).where(
                    CustomFieldBinding.key == key,
                    CustomFieldBinding.connection_id.in_(connections),
                )
            )
            return bool(getattr(gone, "rowcount", 0))

    def bind(self, connection_id: str, binding: Binding) -> None:
        """Bind (or re-bind) a field on a connection."""
        with self._sessions.begin() as session:
            row = session.scalars(
                select(CustomFieldBinding).where(
                    CustomFieldBinding.connection_id == connection_id,
                    CustomFieldBinding.key == binding.key,
                )
            ).first()
            if row is None:
                session.add(
                    CustomFieldBinding(
                        connection_id=connection_id,
                        key=binding.key,
                        place=binding.place,
                        param=binding.param,
                    )
                )
            else:
                row.place, row.param = binding.place, binding.param

    def bindings(self, connection_id: str) -> list[Binding]:
        """The connection's bindings, by key."""
        stmt = (
            select(CustomFieldBinding)
            .where(CustomFieldBinding.connection_id == connection_id)
            .order_by(CustomFieldBinding.key)
        )
        with self._sessions() as session:
            return [Binding(key=r.key, place=r.place, param=r.param) for r in session.scalars(stmt)]

    def unbind(self, connection_id: str, key: str) -> bool:
        """Remove a binding; False when there was none."""
        with self._sessions.begin() as session:
            gone = session.execute(
                delete(CustomFieldBinding).where(
                    CustomFieldBinding.connection_id == connection_id,
                    CustomFieldBinding.key == key,
                )
            )
            return bool(getattr(gone, "rowcount", 0))

    # -- decisions -----------------------------------------------------------------------------

    def decide(
        self,
        tenant_id: str,
        connection_id: str,
        erp: str,
        object_name: str,
        source: str,
        target: str | None,
        accepted: bool,
        decided_by: str,
    ) -> DecisionView:
        """Store one decision."""
        with self._sessions.begin() as session:
            row = MappingDecision(
                tenant_id=tenant_id,
                connection_id=connection_id,
                erp=erp,
                object=object_name,
                source=source,
                target=target,
                accepted=accepted,
                decided_by=decided_by,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return DecisionView.model_validate(row)

    def decisions(
        self, tenant_id: str, erp: str | None = None, object_name: str | None = None
    ) -> list[DecisionView]:
        """A tenant's decisions, oldest first (a later one on the same pair wins)."""
        stmt = select(MappingDecision).where(MappingDecision.tenant_id == tenant_id)
        if erp:
            stmt = stmt.where(MappingDecision.erp == erp)
        if object_name:
            stmt = stmt.where(MappingDecision.object == object_name)
        with self._sessions() as session:
            rows = session.scalars(stmt.order_by(MappingDecision.id))
            return [DecisionView.model_validate(r) for r in rows]

    def shared_acceptances(
        self, erp: str, object_name: str, *, exclude_tenant: str, min_tenants: int = 2
    ) -> list[tuple[str, str | None, int]]:
        """(source, target, tenants) accepted by at least `min_tenants` other tenants.

        Each tenant counts once per pair, by its latest decision on that source.
        """
        stmt = (
            select(MappingDecision)
            .where(
                MappingDecision.erp == erp,
                MappingDecision.object == object_name,
                MappingDecision.tenant_id != exclude_tenant,
            )
            .order_by(MappingDecision.id)
        )
        latest: dict[tuple[str, str], tuple[str | None, bool]] = {}
        with self._sessions() as session:
            for row in session.scalars(stmt):
                key = (row.tenant_id, row.source)
                if row.accepted or latest.get(key, (None, False))[0] == row.target:
                    latest[key] = (row.target, row.accepted)
        counts = Counter((source, target) for (_, source), (target, ok) in latest.items() if ok)
        return sorted(
            ((s, t, n) for (s, t), n in counts.items() if n >= min_tenants),
            key=lambda x: (-x[2], x[0]),
        )
