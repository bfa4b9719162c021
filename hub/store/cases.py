"""Exception cases: every failure becomes one, grouped by cause.

A case is keyed by (connection, object, category, normalised cause): the cause with numbers,
ids and quoted values replaced, so "Invoice 'INV-7' has no lines" on 500 invoices is one case
with 500 affected records. Each affected record (`record_ref`: a remote id, a write request id,
or `-` for the job itself) is kept in `exception_case_records`; when a retry succeeds
`resolve_auto` closes that record, and the case closes itself (`resolved_by="auto"`) once none
is left. A person may retry (`retry_refs`) or resolve (`resolve_manual`). Opening and resolving
write `exception.opened` / `exception.resolved` to the outbox in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from canonical.ids import new_id
from connectors.errors import CATEGORIES, ConnectorError
from hub.store.errors import NotFound
from hub.store.models import CaseRecord, ExceptionCase, OutboxEvent, utcnow
from hub.store.upsert import insert_for, insert_ignore

HOUR = 3600
SLA_SECONDS: dict[str, int] = {
    "auth": 4 * HOUR,
    "rate_limited": 1 * HOUR,
    "transient": 1 * HOUR,
    "validation": 24 * HOUR,
    "mapping": 24 * HOUR,
    "erp_rejected": 24 * HOUR,
    "duplicate": 72 * HOUR,
    "conflict": 24 * HOUR,
    "internal": 4 * HOUR,
}
"""How long a case of each class may stay open before it is overdue."""

ACTIONS: dict[str, str] = {
    "auth": "Re-authorize the connection (hub connections add again, or fix its credentials), "
    "then `hub exceptions retry` the case.",
    "rate_limited": "Nothing to do now: jobs wait for the ERP's Retry-After. If it keeps "
    "happening, raise the ERP plan's limits or sync less often.",
    "transient": "Nothing to do now: retried with backoff. If it persists, check the ERP's "
    "status, then `hub exceptions retry` the case.",
    "validation": "Fix the record's data named in the cause, then `hub exceptions retry` the case.",
    "mapping": "Correct the field named in the cause on the record in the ERP: the next sync "
    "reads it again and closes the case. If the ERP's data is right, the adapter cannot "
    "translate it yet: report it with the correlation id, and `hub exceptions resolve` the case.",
    "erp_rejected": "Read the ERP's message, fix the cause in the ERP or the record, then "
    "`hub exceptions retry` the case.",
    "duplicate": "The ERP already holds this record: link it, or `hub exceptions resolve` the "
    "case.",
    "conflict": "The record changed in the ERP: `hub sync` it again, then `hub exceptions retry` "
    "the case.",
    "internal": "Report a bug with the correlation id; `hub exceptions retry` the case once fixed.",
}
"""The action that resolves a case of each class."""

GAVE_UP_ACTION = (
    "Retries ran out. Check the ERP's status (and the connection's base URL), then "
    "`hub dlq replay MESSAGE` or `hub exceptions retry` the case."
)
"""The action of a case whose job was dead-lettered after its last retry."""

JOB_REF = "-"
"""The `record_ref` of a failure that concerns the whole job rather than one record."""

RECORD_NOT_HELD = (
    "The record is not in the hub yet: every sync reads it again until it is stored "
    "(`hub exceptions retry` the case to do so now). If it persists, check the ERP's status."
)
"""The action of a passing failure that concerns one record: never "none needed"."""


def storable_ref(record_ref: str) -> str:
    """The ref as the case tables can hold it: an id over 200 characters or with U+0000 (which
    the store refused as a record) is shortened, with a digest that keeps it unique."""
    if len(record_ref) <= 200 and "\x00" not in record_ref:
        return record_ref
    digest = hashlib.sha256(record_ref.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return record_ref[:150].replace("\x00", "\\0") + f"... ({len(record_ref)} chars, {digest})"


def action_for(category: str, record_ref: str) -> str:
    """The action of a case: a record that a passing failure kept out is still owed."""
    if record_ref != JOB_REF and category in {"transient", "rate_limited"}:
        return RECORD_NOT_HELD
    return ACTIONS[category]


_NORMALISERS = (
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
    ),
    (re.compile(r"\b[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}\b"), "<id>"),
    (re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”"), "<value>"),
    (re.compile(r"\d+(?:[.,]\d+)*"), "<n>"),
    (re.compile(r"\s+"), " "),
)


def normalise_cause(text: str) -> str:
    """The cause with record-specific parts (ids, numbers, quoted values) replaced."""
    for pattern, replacement in _NORMALISERS:
        text = pattern.sub(replacement, text)
    return text.strip()[:500]


def case_key(connection_id: str | None, object_name: str | None, category: str, cause: str) -> str:
    """The grouping key of a case."""
    parts = (connection_id or "", object_name or "", category, normalise_cause(cause))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class CaseView(BaseModel):
    """An exception case, with its age against the class's SLA."""

    model_config = ConfigDict(frozen=True)

    id: str
    case_key: str
    connection_id: str | None
    object: str | None
    category: str
    source: str
    cause: str
    erp_message: str | None
    erp_code: str | None
    correlation_id: str | None
    occurrences: int
    affected: int
    affected_total: int
    attempts: int
    sla_seconds: int
    action: str
    status: str
    resolved_by: str | None
    resolved_at: datetime | None
    first_seen: datetime
    last_seen: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def age_seconds(self) -> int:
        """Whole seconds since first seen (until resolved): the store takes no floats."""
        end = self.resolved_at or utcnow()
        return int((end - self.first_seen).total_seconds())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overdue(self) -> bool:
        """True when open longer than its SLA."""
        return self.status == "open" and self.age_seconds > self.sla_seconds


class CaseRecordView(BaseModel):
    """One record affected by a case."""

    model_config = ConfigDict(frozen=True)

    record_ref: str
    status: str
    occurrences: int
    first_seen: datetime
    last_seen: datetime


class CaseRepository:
    """Opens, bumps, resolves and lists exception cases."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def open_or_bump(
        self,
        *,
        connection_id: str | None,
        object_name: str | None,
        category: str,
        cause: str,
        source: str,
        record_ref: str = JOB_REF,
        erp_message: str | None = None,
        erp_code: str | None = None,
        correlation_id: str | None = None,
        attempts: int = 1,
        action: str | None = None,
    ) -> CaseView:
        """Count one occurrence of a failure on `record_ref`: a new case, or its group's case.

        The case is found by the normalised cause; it shows the latest cause as the ERP or the
        adapter worded it (values included). `action` replaces the class's usual action.
        """
        if category not in CATEGORIES:
            raise ValueError(f"unknown category '{category}'; one of {', '.join(CATEGORIES)}")
        record_ref = storable_ref(record_ref)
        cause = cause.replace("\x00", "\\0")
        key = case_key(connection_id, object_name, category, cause)
        now = utcnow()
        with self._sessions.begin() as session:
            new = {
                "id": new_id("exc"), "case_key": key, "connection_id": connection_id,
                "object": object_name, "category": category, "source": source,
                "cause": cause[:2000], "occurrences": 0, "attempts": 0,
                "sla_seconds": SLA_SECONDS[category],
                "action": action or action_for(category, record_ref),
                "status": "open", "first_seen": now, "last_seen": now,
            }  # fmt: skip
            opened = insert_ignore(session, ExceptionCase.__table__, [new], ["case_key"]) == 1
            row = session.scalars(
                select(ExceptionCase).where(ExceptionCase.case_key == key).with_for_update()
            ).one()
            if row.status != "open":
                row.status, row.resolved_by, row.resolved_at = "open", None, None
                row.first_seen = now
                opened = True
            row.occurrences += 1
            row.attempts += attempts
            row.last_seen = now
            row.cause = cause[:2000]
            owed = action_for(category, record_ref)
            # Once a case names a record a passing failure kept out, it says so until resolved.
            keep = row.action == RECORD_NOT_HELD and record_ref == JOB_REF and not opened
            row.action = action or (row.action if keep else owed)
            row.erp_message = erp_message
            row.erp_code = erp_code
            row.correlation_id = correlation_id
            stmt = insert_for(session, CaseRecord.__table__).values(
                case_id=row.id, record_ref=record_ref, status="open", occurrences=1,
                first_seen=now, last_seen=now,
            )  # fmt: skip
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["case_id", "record_ref"],
                    set_={
                        "status": "open",
                        "occurrences": CaseRecord.__table__.c.occurrences + 1,
                        "last_seen": now,
                    },
                )
            )
            session.flush()
            view = self._view(session, row)
            if opened:
                self._event(session, "exception.opened", view)
            return view

    def open_from_error(
        self,
        error: ConnectorError,
        *,
        connection_id: str | None,
        object_name: str | None,
        source: str,
        record_ref: str = JOB_REF,
        attempts: int = 1,
        action: str | None = None,
    ) -> CaseView:
        """`open_or_bump` with the class, words and correlation id a connector error carries."""
        return self.open_or_bump(
            connection_id=connection_id,
            object_name=object_name,
            category=error.category,
            cause=error.message,
            source=source,
            record_ref=record_ref,
            erp_message=error.erp_message,
            erp_code=error.erp_code,
            correlation_id=error.correlation_id,
            attempts=attempts,
            action=action,
        )

    def resolve_auto(
        self, *, connection_id: str | None, object_name: str | None, record_ref: str = JOB_REF
    ) -> list[str]:
        """A retry of `record_ref` succeeded: close it in its open cases; the case ids closed."""
        now = utcnow()
        with self._sessions.begin() as session:
            case_ids = list(
                session.scalars(
                    select(ExceptionCase.id)
                    .join(CaseRecord, CaseRecord.case_id == ExceptionCase.id)
                    .where(
                        ExceptionCase.status == "open",
                        ExceptionCase.connection_id.is_(None)
                        if connection_id is None
                        else ExceptionCase.connection_id == connection_id,
                        ExceptionCase.object.is_(None)
                        if object_name is None
                        else ExceptionCase.object == object_name,
                        CaseRecord.record_ref == record_ref,
                        CaseRecord.status == "open",
                    )
                )
            )
            if not case_ids:
                return []
            session.execute(
                update(CaseRecord)
                .where(CaseRecord.case_id.in_(case_ids), CaseRecord.record_ref == record_ref)
                .values(status="resolved", last_seen=now)
            )
            closed = []
            for case in session.scalars(
                select(ExceptionCase).where(ExceptionCase.id.in_(case_ids)).with_for_update()
            ):
                if self._open_records(session, case.id) == 0:
                    self._close(session, case, "auto")
                    closed.append(case.id)
            return closed

    def resolve_manual(self, case_id: str) -> CaseView:
        """A person resolved the case: it and all its records close."""
        with self._sessions.begin() as session:
            case = self._locked(session, case_id)
            if case.status == "open":
                self._close(session, case, "manual")
            return self._view(session, case)

    def retry_refs(self, case_id: str) -> tuple[CaseView, list[str]]:
        """The case and its still-open record refs, for a person's retry to re-enqueue."""
        with self._sessions() as session:
            case = session.get(ExceptionCase, case_id)
            if case is None:
                raise NotFound(f"no exception case {case_id}")
            refs = session.scalars(
                select(CaseRecord.record_ref)
                .where(CaseRecord.case_id == case_id, CaseRecord.status == "open")
                .order_by(CaseRecord.first_seen, CaseRecord.record_ref)
            )
            return self._view(session, case), list(refs)

    def get(self, case_id: str) -> tuple[CaseView, list[CaseRecordView]]:
        """The case and every record it affected."""
        with self._sessions() as session:
            case = session.get(ExceptionCase, case_id)
            if case is None:
                raise NotFound(f"no exception case {case_id}")
            rows = session.scalars(
                select(CaseRecord)
                .where(CaseRecord.case_id == case_id)
                .order_by(CaseRecord.first_seen, CaseRecord.record_ref)
            )
            records = [CaseRecordView.model_validate(r, from_attributes=True) for r in rows]
            return self._view(session, case), records

    def list(
        self,
        *,
        status: str | None = "open",
        category: str | None = None,
        connection_id: str | None = None,
        object_name: str | None = None,
        limit: int = 100,
    ) -> list[CaseView]:
        """Cases, most recently seen first; `status=None` for all."""
        stmt = select(ExceptionCase).order_by(ExceptionCase.last_seen.desc()).limit(limit)
        filters: dict[str, Any] = {
            "status": status, "category": category,
            "connection_id": connection_id, "object": object_name,
        }  # fmt: skip
        for column, value in filters.items():
            if value is not None:
                stmt = stmt.where(getattr(ExceptionCase, column) == value)
        with self._sessions() as session:
            return [self._view(session, c) for c in session.scalars(stmt)]

    def _locked(self, session: Session, case_id: str) -> ExceptionCase:
        case = session.get(ExceptionCase, case_id, with_for_update=True)
        if case is None:
            raise NotFound(f"no exception case {case_id}")
        return case

    def _close(self, session: Session, case: ExceptionCase, by: str) -> None:
        now = utcnow()
        case.status, case.resolved_by, case.resolved_at = "resolved", by, now
        session.execute(
            update(CaseRecord)
            .where(CaseRecord.case_id == case.id, CaseRecord.status == "open")
            .values(status="resolved", last_seen=now)
        )
        session.flush()
        self._event(session, "exception.resolved", self._view(session, case))

    def _open_records(self, session: Session, case_id: str) -> int:
        return int(
            session.scalar(
                select(func.count()).where(
                    CaseRecord.case_id == case_id, CaseRecord.status == "open"
                )
            )
            or 0
        )

    def _view(self, session: Session, case: ExceptionCase) -> CaseView:
        total = int(session.scalar(select(func.count()).where(CaseRecord.case_id == case.id)) or 0)
        data = {c.key: getattr(case, c.key) for c in ExceptionCase.__table__.columns}
        data.update(affected=self._open_records(session, case.id), affected_total=total)
        return CaseView.model_validate(data)

    def _event(self, session: Session, event_type: str, view: CaseView) -> None:
        session.add(
            OutboxEvent(
                id=new_id("evt"),
                type=event_type,
                connection_id=view.connection_id,
                correlation_id=view.correlation_id or view.id,
                data=view.model_dump(mode="json", exclude={"case_key"}),
            )
        )
