"""U+0000 in an ERP record is stored exactly on both databases; a record the database refuses
becomes that record's case, never the page's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DataError

from connectors.base import FetchedPage, Resource
from hub.jobs.sync import sync_resource
from hub.store.cases import storable_ref
from tests.integration.hub.conftest import HubEnv, Sandbox

pytestmark = pytest.mark.integration


def tamper_contacts(hub: HubEnv, connection_id: str, change: Callable[[list[Any]], None]) -> None:
    """Let `change` edit the raw contacts of every page before translation (as the ERP sent)."""
    connector = hub.runtime.connector(connection_id)
    fetch = connector.fetch_page  # type: ignore[attr-defined]

    def fetch_tampered(resource: Resource, since: datetime | None, page: int) -> FetchedPage:
        fetched: FetchedPage = fetch(resource, since, page)
        if resource.name == "contacts":
            change(fetched.items)
        return fetched

    connector.fetch_page = fetch_tampered  # type: ignore[attr-defined]


def test_a_contact_with_nul_is_stored_exactly_and_its_neighbours_too(
    database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=84)
    hub = make_hub(database[0], redis_url, defaults=True)
    connection_id = hub.connect(sandbox)
    sent: dict[str, Any] = {}

    def add_nul(items: list[Any]) -> None:
        victim = items[len(items) // 2]
        victim["Name"] = f"Acme\x00 Ltd \ufdd0%00 {victim['Name']}"
        victim["X\x00Custom"] = ["a\x00b", "%25", "\ufdd0"]
        sent.update(victim)

    tamper_contacts(hub, connection_id, add_nul)
    outcome = sync_resource(hub.runtime, connection_id, "contacts", full=True)
    assert outcome.run is not None
    assert outcome.run.status == "succeeded", outcome.run

    store = hub.runtime.store
    stored = [
        r
        for obj in ("supplier", "customer")
        for r in store.records.list(connection_id, obj, limit=1000)
    ]
    assert {r.remote_id for r in stored} >= {sent["ContactID"]}
    mine = [r for r in stored if r.remote_id == sent["ContactID"]]
    assert mine
    for record in mine:
        assert record.raw is not None
        assert record.raw["Name"] == sent["Name"]
        assert record.raw["X\x00Custom"] == ["a\x00b", "%25", "\ufdd0"]
        # Canonical text refuses U+0000 (issue 23, finding 9): the record is its name without
        # the NUL, and nothing else of it is lost (the raw above keeps the NUL exactly).
        name = str(record.data.get("name") or record.data.get("legal_name") or "")
        assert "\x00" not in name
        assert name.startswith("Acme Ltd \ufdd0%00 ")
    contacts = sandbox.counts()["contacts"]["total"]
    assert len({r.remote_id for r in stored}) == contacts
    assert store.cases.list(status="open", connection_id=connection_id) == []


def test_a_record_postgresql_refuses_is_its_own_case_and_the_page_is_stored(
    pg_database: tuple[str, str],
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=84)
    hub = make_hub(pg_database[0], redis_url, defaults=True)
    connection_id = hub.connect(sandbox)
    refused: list[str] = []

    def overlong_id(items: list[Any]) -> None:
        victim = items[3]
        victim["ContactID"] = "c" * 300  # longer than any id column holds
        refused.append(victim["ContactID"])

    tamper_contacts(hub, connection_id, overlong_id)
    outcome = sync_resource(hub.runtime, connection_id, "contacts", full=True)
    assert outcome.run is not None
    assert outcome.run.status == "succeeded", outcome.run
    store = hub.runtime.store
    stored = {
        r.remote_id
        for obj in ("supplier", "customer")
        for r in store.records.list(connection_id, obj, limit=1000)
    }
    assert len(stored) == sandbox.counts()["contacts"]["total"] - 1
    (case,) = store.cases.list(status="open", connection_id=connection_id)
    assert case.category == "validation"
    assert "cannot be stored: it is 300 characters long" in case.cause
    _, refs = store.cases.retry_refs(case.id)
    assert refs == [storable_ref(refused[0])]
    assert store.records.get_cursor(connection_id, "contacts") is not None


def test_a_page_the_database_refuses_is_stored_record_by_record_around_the_refused_one(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=84)
    hub = make_hub(f"sqlite:///{tmp_path / 'refuse.db'}", redis_url)
    connection_id = hub.connect(sandbox)
    records = hub.runtime.store.records
    apply = records.apply_resource_page
    poison: list[str] = []

    def refuse_one(connection: str, resource: str, page: Sequence[Any], *a: Any, **k: Any) -> Any:
        ids = [r.remote_id for r in page]
        if not poison and len(ids) > 3:
            poison.append(ids[2])
        if poison and poison[0] in ids:
            raise DataError("INSERT ...", {}, Exception("value the database cannot hold"))
        return apply(connection, resource, page, *a, **k)

    records.apply_resource_page = refuse_one  # type: ignore[method-assign]
    outcome = sync_resource(hub.runtime, connection_id, "contacts", full=True)
    assert outcome.run is not None
    assert outcome.run.status == "succeeded", outcome.run
    stored = {
        r.remote_id
        for obj in ("supplier", "customer")
        for r in records.list(connection_id, obj, limit=1000)
    }
    assert poison[0] not in stored
    assert len(stored) == sandbox.counts()["contacts"]["total"] - 1
    (case,) = hub.runtime.store.cases.list(status="open", connection_id=connection_id)
    assert "the store refused" in case.cause
    assert hub.runtime.store.cases.retry_refs(case.id)[1] == poison
    assert records.get_cursor(connection_id, "contacts") is not None
