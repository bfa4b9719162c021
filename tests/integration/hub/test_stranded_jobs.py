"""No job stranded in a live worker's acknowledgement set when the broker drops a connection.

dramatiq's Redis fetch moves messages into the worker's acknowledgement set on the server. When
the connection drops after the server ran the fetch (a broker restart), the worker never gets
them, and dramatiq gives back only a dead worker's messages: the jobs would wait for the worker
to be restarted. A consumer that (re)starts puts them back on the queue.
"""

from __future__ import annotations

from typing import Any

import dramatiq
import pytest

from hub.jobs.runtime import PromptRedisBroker

pytestmark = pytest.mark.integration


def _broker(redis_url: str, delay: int | None = None) -> PromptRedisBroker:
    """A broker with three jobs on queue `work` (or one job delayed by `delay` ms)."""
    broker = PromptRedisBroker(100, url=redis_url, namespace="lh-stranded-test")
    broker.declare_queue("work")

    @dramatiq.actor(broker=broker, queue_name="work")
    def job(n: int) -> None:
        del n

    if delay is not None:
        job.send_with_options(args=(1,), delay=delay)
        return broker
    for n in range(3):
        job.send(n)
    return broker


def _drain(consumer: Any) -> list[Any]:
    got = []
    for _ in range(20):
        message = next(consumer)
        if message is not None:
            got.append(message)
    return got


def test_messages_fetched_but_never_received_go_back_on_the_queue(redis_url: str) -> None:
    broker = _broker(redis_url)
    lost = broker.do_fetch("work", 2)  # the server ran the fetch; its answer never came back
    assert len(lost) == 2

    # The consumer thread starts again after the connection error.
    consumer = broker.consume("work", prefetch=10)
    got = _drain(consumer)

    assert sorted(m.args[0] for m in got) == [0, 1, 2]
    for message in got:
        consumer.ack(message)
    assert broker.client.scard(f"lh-stranded-test:__acks__.{broker.broker_id}.work") == 0


def test_messages_the_worker_holds_are_not_put_back(redis_url: str) -> None:
    broker = _broker(redis_url)
    first = broker.consume("work", prefetch=10)
    held = next(first)
    while held is None:
        held = next(first)

    again = broker.consume("work", prefetch=10)  # restarted while a worker thread still runs `held`
    rest = _drain(again)

    assert sorted(m.args[0] for m in rest) == sorted({0, 1, 2} - {held.args[0]})
    again.ack(held)  # the worker thread finishes and acknowledges through the new consumer
    for message in rest:
        again.ack(message)
    assert broker.client.scard(f"lh-stranded-test:__acks__.{broker.broker_id}.work") == 0
    assert broker.requeue_stranded("work") == 0


def test_a_restarted_delay_consumer_puts_back_what_it_was_holding(redis_url: str) -> None:
    broker = _broker(redis_url, delay=60_000)
    delayed = broker.consume("work.DQ", prefetch=10)
    held = next(delayed)
    while held is None:
        held = next(delayed)

    # dramatiq's consumer thread drops its delay queue on a connection error, then restarts.
    restarted = broker.consume("work.DQ", prefetch=10)
    back = _drain(restarted)
    assert [m.args[0] for m in back] == [1]
