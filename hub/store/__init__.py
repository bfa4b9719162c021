"""The hub's store: SQLAlchemy 2 tables, repositories, Alembic migrations.

    store = Store.from_settings(get_settings())      # engine + every repository
    store.records.apply_page(connection_id, "invoice", records, raw, cursor, run_id, corr)
    resolver = store.resolver(connection_id)         # connectors.ids.IdResolver
    store.tokens                                     # connectors.tokens.TokenStore

Each repository method is one transaction and returns frozen pydantic views, never ORM rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.crypto import SecretBox, rotate
from hub.settings import Settings, get_settings
from hub.store.apikeys import ApiKeyRepository, IdempotencyRepository
from hub.store.bindings import StoreIdResolver
from hub.store.cases import ACTIONS, JOB_REF, SLA_SECONDS, CaseRecordView, CaseRepository, CaseView
from hub.store.changes import PageResult, content_hash
from hub.store.connections import (
    ClientCredentials,
    ConnectionRepository,
    ConnectionView,
    TenantView,
)
from hub.store.db import current_revision, head_revision, make_engine, session_factory, upgrade
from hub.store.deadletters import DeadLetterRepository, DeadLetterView
from hub.store.errors import NotFound
from hub.store.mappings import DecisionView, MappingRepository, SpecVersionView
from hub.store.outbox import OutboxItem, OutboxRepository
from hub.store.records import RecordRepository, RecordView
from hub.store.runs import SyncRunRepository, SyncRunView
from hub.store.tokens import DbTokenStore
from hub.store.webhooks import WebhookRepository
from hub.store.writes import WriteRequestRepository, WriteRequestView

__all__ = [
    "ACTIONS",
    "JOB_REF",
    "SLA_SECONDS",
    "CaseRecordView",
    "CaseRepository",
    "CaseView",
    "ClientCredentials",
    "ConnectionRepository",
    "ConnectionView",
    "DbTokenStore",
    "DeadLetterRepository",
    "DeadLetterView",
    "DecisionView",
    "MappingRepository",
    "NotFound",
    "OutboxItem",
    "OutboxRepository",
    "PageResult",
    "RecordRepository",
    "RecordView",
    "SpecVersionView",
    "Store",
    "StoreIdResolver",
    "SyncRunRepository",
    "SyncRunView",
    "TenantView",
    "WriteRequestRepository",
    "WriteRequestView",
    "content_hash",
    "current_revision",
    "head_revision",
    "make_engine",
    "session_factory",
    "upgrade",
]


class Store:
    """The engine and one instance of every repository."""

    def __init__(
        self,
        engine: Engine,
        box: SecretBox,
        *,
        lock_dir: Path | None = None,
        redis: Any | None = None,
    ) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.box = box
        self.records = RecordRepository(self.sessions)
        self.connections = ConnectionRepository(self.sessions, box)
        self.tokens = DbTokenStore(self.sessions, box, lock_dir=lock_dir, redis=redis)
        self.runs = SyncRunRepository(self.sessions)
        self.writes = WriteRequestRepository(self.sessions)
        self.cases = CaseRepository(self.sessions)
        self.outbox = OutboxRepository(self.sessions)
        self.dead_letters = DeadLetterRepository(self.sessions)
        self.mappings = MappingRepository(self.sessions)
        self.api_keys = ApiKeyRepository(self.sessions)
        self.idempotency = IdempotencyRepository(self.sessions)
        self.webhooks = WebhookRepository(self.sessions, box)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, migrate: bool = False, **engine_kw: Any
    ) -> Store:
        """The store the settings describe; `migrate=True` upgrades the schema first.

        The refresh lock uses Redis when `LEDGERHUB_REDIS_URL` is set, otherwise the database's
        own mechanism (see `hub.store.tokens`).
        """
        settings = settings or get_settings()
        settings.ensure_data_dir()
        if migrate:
            upgrade(settings.database_url)
        redis = None
        if settings.redis_url:
            from hub.broker import redis_client

            redis = redis_client(settings.redis_url)
        return cls(
            make_engine(settings.database_url, **engine_kw),
            SecretBox.from_settings(settings),
            lock_dir=settings.data_dir / "locks",
            redis=redis,
        )

    def resolver(self, connection_id: str) -> StoreIdResolver:
        """The connection's `IdResolver` over the bindings table."""
        return StoreIdResolver(self.sessions, connection_id)

    def rotate_keys(self) -> int:
        """Re-seal every credential and token set with the current key; the number changed."""
        return rotate(self.connections, self.tokens, self.webhooks)

    def dispose(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()
