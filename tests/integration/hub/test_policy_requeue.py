"""The failure policy re-enqueues a retry even when the broker is briefly unreachable."""

from __future__ import annotations

from typing import Any

import dramatiq
import pytest
import redis
from dramatiq.broker import MessageProxy

from hub.jobs import policy


class FlakyBroker:
    """Refuses the first `failures` enqueues as an unreachable Redis would."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.enqueued: list[tuple[Any, int | None]] = []

    def enqueue(self, message: Any, *, delay: int | None = None) -> Any:
        if self.failures:
            self.failures -= 1
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
        self.enqueued.append((message, delay))
        return message


def _message() -> MessageProxy:
    return MessageProxy(dramatiq.Message("sync", "sync", (), {"resource": "invoices"}, {}))


def test_a_retry_waits_for_the_broker_instead_of_being_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(policy.time, "sleep", lambda _s: None)
    broker = FlakyBroker(failures=3)
    policy._requeue(broker, _message(), 700)  # type: ignore[arg-type]
    assert len(broker.enqueued) == 1
    assert broker.enqueued[0][1] == 700


def test_a_broker_away_for_longer_than_the_patience_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(policy.time, "sleep", lambda _s: None)
    monkeypatch.setattr(policy, "REQUEUE_PATIENCE_S", -1.0)
    with pytest.raises(redis.ConnectionError):
        policy._requeue(FlakyBroker(failures=1), _message(), 0)  # type: ignore[arg-type]
