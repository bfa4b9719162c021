"""Exception cases: grouped by cause, resolved automatically when retries succeed."""

from __future__ import annotations

import pytest

from connectors.errors import ValidationError
from hub.store import Store
from hub.store.cases import ACTIONS, SLA_SECONDS, normalise_cause

pytestmark = pytest.mark.integration


def test_the_same_cause_on_many_records_is_one_case(store: Store, connection_id: str) -> None:
    for i in range(120):
        store.cases.open_or_bump(
            connection_id=connection_id,
            object_name="invoice",
            category="validation",
            cause=f"Invoice 'INV-{i}' has an unknown account code {400 + i}",
            source="write",
            record_ref=f"wrq_{i}",
            erp_message=f"Account code '{400 + i}' is not valid",
            correlation_id=f"cor-{i}",
        )
    cases = store.cases.list(connection_id=connection_id)
    assert len(cases) == 1
    case = cases[0]
    assert (case.occurrences, case.affected, case.affected_total) == (120, 120, 120)
    assert case.category == "validation"
    assert case.correlation_id == "cor-119"
    assert case.erp_message == "Account code '519' is not valid"
    assert case.sla_seconds == SLA_SECONDS["validation"]
    assert case.action == ACTIONS["validation"]
    assert not case.overdue
    opened = [e for e in store.outbox.pending() if e.type == "exception.opened"]
    assert len(opened) == 1


def test_different_class_object_or_cause_make_different_cases(
    store: Store, connection_id: str
) -> None:
    base = {"connection_id": connection_id, "source": "sync"}
    store.cases.open_or_bump(**base, object_name="invoice", category="transient", cause="ERP 503")
    store.cases.open_or_bump(**base, object_name="invoice", category="auth", cause="ERP 503")
    store.cases.open_or_bump(**base, object_name="payment", category="transient", cause="ERP 503")
    store.cases.open_or_bump(**base, object_name="invoice", category="transient", cause="timeout")
    assert len(store.cases.list()) == 4
    assert len(store.cases.list(category="auth")) == 1
    assert len(store.cases.list(object_name="payment")) == 1


def test_repeated_failure_of_one_record_counts_occurrences_not_records(
    store: Store, connection_id: str
) -> None:
    for attempt in range(3):
        case = store.cases.open_or_bump(
            connection_id=connection_id,
            object_name="invoice",
            category="erp_rejected",
            cause="Period is locked",
            source="write",
            record_ref="wrq_1",
            attempts=attempt + 1,
        )
    assert (case.occurrences, case.affected, case.attempts) == (3, 1, 6)


def test_case_resolves_automatically_when_every_record_succeeds(
    store: Store, connection_id: str
) -> None:
    for ref in ("wrq_1", "wrq_2"):
        case = store.cases.open_or_bump(
            connection_id=connection_id,
            object_name="invoice",
            category="transient",
            cause="ERP offline",
            source="write",
            record_ref=ref,
        )
    assert (
        store.cases.resolve_auto(
            connection_id=connection_id, object_name="invoice", record_ref="wrq_1"
        )
        == []
    )
    assert store.cases.list()[0].affected == 1
    closed = store.cases.resolve_auto(
        connection_id=connection_id, object_name="invoice", record_ref="wrq_2"
    )
    assert closed == [case.id]
    view, records = store.cases.get(case.id)
    assert (view.status, view.resolved_by, view.affected) == ("resolved", "auto", 0)
    assert {r.status for r in records} == {"resolved"}
    assert store.cases.list() == []
    assert [e.type for e in store.outbox.pending()] == ["exception.opened", "exception.resolved"]


def test_a_resolved_case_reopens_when_the_cause_returns(store: Store, connection_id: str) -> None:
    args = {
        "connection_id": connection_id, "object_name": "invoice", "category": "auth",
        "cause": "invalid_grant", "source": "sync",
    }  # fmt: skip
    case = store.cases.open_or_bump(**args)
    store.cases.resolve_manual(case.id)
    again = store.cases.open_or_bump(**args)
    assert again.id == case.id
    assert (again.status, again.resolved_by, again.affected) == ("open", None, 1)


def test_manual_retry_lists_the_open_records_and_manual_resolve_closes(
    store: Store, connection_id: str
) -> None:
    for ref in ("wrq_a", "wrq_b"):
        case = store.cases.open_from_error(
            ValidationError("Contact has no name", erp_message="Name is required", erp_code="V1"),
            connection_id=connection_id,
            object_name="supplier",
            source="write",
            record_ref=ref,
        )
    assert case.erp_code == "V1"
    _view, refs = store.cases.retry_refs(case.id)
    assert refs == ["wrq_a", "wrq_b"]
    resolved = store.cases.resolve_manual(case.id)
    assert (resolved.status, resolved.resolved_by, resolved.affected) == ("resolved", "manual", 0)
    assert store.cases.list(status="resolved")[0].id == case.id


def test_cause_normalisation_keeps_the_words_and_drops_the_specifics() -> None:
    assert normalise_cause(
        "Invoice 'INV-001' total 12.50 differs (id 9f1c2a3b-0000-4000-8000-000000000001)"
    ) == ("Invoice <value> total <n> differs (id <uuid>)")


def test_unknown_category_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown category"):
        store.cases.open_or_bump(
            connection_id=None, object_name=None, category="oops", cause="x", source="sync"
        )


def test_a_case_open_longer_than_its_sla_is_overdue(store: Store, connection_id: str) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from hub.store.models import ExceptionCase

    case = store.cases.open_or_bump(
        connection_id=connection_id,
        object_name="invoice",
        category="auth",
        cause="invalid_grant",
        source="sync",
    )
    assert not case.overdue
    with store.sessions.begin() as session:
        session.execute(
            update(ExceptionCase)
            .where(ExceptionCase.id == case.id)
            .values(first_seen=datetime.now(UTC) - timedelta(hours=5))
        )
    (late,) = store.cases.list()
    assert late.overdue
    assert late.age_seconds > SLA_SECONDS["auth"]
    assert late.model_dump(mode="json")["overdue"] is True


def test_workers_failing_at_once_on_one_cause_share_one_case(
    store: Store, connection_id: str
) -> None:
    import threading

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def fail(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                store.cases.open_or_bump(
                    connection_id=connection_id,
                    object_name="payment",
                    category="transient",
                    cause=f"ERP returned 503 after {worker * 10 + i} ms",
                    source="sync",
                    record_ref=f"P{i}",
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (case,) = store.cases.list()
    assert (case.occurrences, case.affected) == (40, 10)
    assert [e.type for e in store.outbox.pending()] == ["exception.opened"]
