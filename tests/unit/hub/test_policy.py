"""The failure policy decides, for every actor, what a failed job becomes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries, default_middleware

from connectors.errors import RateLimited, TransientError, ValidationError
from hub.jobs.policy import FailurePolicy, JobSubject
from hub.jobs.runtime import Runtime
from hub.settings import Settings
from hub.store import Store
from hub.store.cases import ACTIONS, GAVE_UP_ACTION
from tests import services


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(
        data_dir=tmp_path,
        broker_url=services.redis_url(15),
        secret_key="A" * 43 + "=",
        job_max_retries=2,
        job_min_backoff_ms=10,
        job_max_backoff_ms=20,
    )
    rt = Runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def broker(runtime: Runtime) -> Iterator[StubBroker]:
    middleware = [m() for m in default_middleware if m is not Retries]
    stub = StubBroker(middleware=middleware)
    stub.add_middleware(FailurePolicy(runtime.settings, lambda: runtime.store))
    stub.emit_after("process_boot")
    dramatiq.set_broker(stub)
    yield stub
    stub.flush_all()
    stub.close()


def run(broker: StubBroker, actor: Any, **kwargs: Any) -> None:
    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        actor.send_with_options(kwargs=kwargs)
        broker.join(actor.queue_name, fail_fast=False)
        worker.join()
    finally:
        worker.stop()


def subject(kwargs: dict[str, Any], store: Store, settings: Settings) -> JobSubject:
    return JobSubject("con_test", "invoices", "rec-1", "sync")


def test_a_transient_failure_is_retried_then_dead_lettered_with_a_case(
    broker: StubBroker, runtime: Runtime
) -> None:
    calls: list[int] = []

    @dramatiq.actor(broker=broker, actor_name="always_down", subject=subject)
    def always_down(n: int) -> None:
        calls.append(n)
        raise TransientError("ERP answered 503")

    run(broker, always_down, n=1)
    assert len(calls) == 3  # the first try and job_max_retries=2 retries
    (letter,) = runtime.store.dead_letters.list()
    assert letter.actor == "always_down"
    assert letter.message_kwargs == {"n": 1}
    (case,) = runtime.store.cases.list()
    assert (case.category, case.connection_id, case.object) == ("transient", "con_test", "invoices")
    assert letter.case_id == case.id
    assert case.attempts == 3
    # Retries ran out: the case says what a person does now, not "none needed".
    assert case.action == GAVE_UP_ACTION
    assert "hub dlq replay" in case.action
    assert case.cause == "ERP answered 503"  # the ERP's words, values and all


def test_a_permanent_failure_is_not_retried_and_opens_a_case_at_once(
    broker: StubBroker, runtime: Runtime
) -> None:
    calls: list[int] = []
    given_up: list[BaseException] = []

    def gives_up(kw: dict[str, Any], store: Store, settings: Settings) -> JobSubject:
        return JobSubject("con_test", "invoice", "wrq_1", "write", given_up.append)

    @dramatiq.actor(broker=broker, actor_name="bad_data", subject=gives_up)
    def bad_data() -> None:
        calls.append(1)
        raise ValidationError("Xero refused the data: Contact must be specified", erp_code="V")

    run(broker, bad_data)
    assert calls == [1]
    assert runtime.store.dead_letters.list() == []
    (case,) = runtime.store.cases.list()
    assert case.category == "validation"
    assert case.action == ACTIONS["validation"]
    assert len(given_up) == 1
    assert isinstance(given_up[0], ValidationError)


def test_a_rate_limited_job_waits_without_using_up_its_attempts(
    broker: StubBroker, runtime: Runtime
) -> None:
    calls: list[int] = []

    @dramatiq.actor(broker=broker, actor_name="busy_erp")
    def busy_erp() -> None:
        calls.append(1)
        if len(calls) <= 4:  # more 429s than job_max_retries allows failures
            raise RateLimited("minute budget", retry_after=0.01, scope="minute")

    run(broker, busy_erp)
    assert len(calls) == 5
    assert runtime.store.cases.list() == []
    assert runtime.store.dead_letters.list() == []


def test_an_unexpected_bug_ends_as_an_internal_case_and_a_dead_letter(
    broker: StubBroker, runtime: Runtime
) -> None:
    @dramatiq.actor(broker=broker, actor_name="poison")
    def poison() -> None:
        raise KeyError("no such field")

    run(broker, poison)
    (case,) = runtime.store.cases.list()
    assert case.category == "internal"
    assert "KeyError" in case.cause
    assert len(runtime.store.dead_letters.list()) == 1
