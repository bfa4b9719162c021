"""Never two runs of the same connection and resource at once.

A lock per (connection, resource) with an expiry, renewed by a keeper thread every third of
its TTL while the run lives (and checked before each page commits): a worker killed with
`kill -9` stops renewing, and after `ttl` the redelivered job takes over. A job that finds the
lock taken raises `RunBusy`, which waits for the lock without spending one of its attempts.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from connectors.errors import TransientError

log = logging.getLogger("ledgerhub.sync")


class RunBusy(TransientError):
    """The run lock of this (connection, resource) is held: wait `retry_after_ms`, then retry.

    Waiting for a lock is not a failed attempt: the failure policy puts the job back after the
    lock's remaining time without counting it.
    """

    def __init__(self, message: str, *, retry_after_ms: int = 1_000, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after_ms = max(int(retry_after_ms), 100)


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


@dataclass
class RunLock:
    """An expiring lock in Redis; `acquire` says whether we hold it."""

    client: redis.Redis
    key: str
    ttl_ms: int
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def acquire(self) -> bool:
        """Take the lock if free."""
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Extend the lock; False when we lost it."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        """Give the lock up if we still hold it."""
        self.client.eval(_RELEASE, 1, self.key, self.token)

    def remaining_ms(self) -> int:
        """How long the current holder's lock still lasts (0 when free)."""
        return max(int(self.client.pttl(self.key)), 0)


class Keeper:
    """Calls `renew` every third of `ttl_ms` until stopped; `lost` once renewal said no.

    It keeps a run's lock and lease alive however slow a page is, so the TTL can be short and
    a dead process's run is taken over soon. A renewal that raises (Redis or the database
    briefly away) is tried again at the next tick; only a definite "not ours" marks it lost.
    """

    def __init__(self, ttl_ms: int, renew: Callable[[], bool], name: str) -> None:
        self.lost = False
        self._renew = renew
        self._interval = ttl_ms / 3000
        self._name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"keeper {name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not self._renew():
                    self.lost = True
                    log.warning("lost %s", self._name)
                    return
            except Exception as exc:  # a blip of Redis or the database: the next tick retries
                log.warning("could not renew %s: %s", self._name, exc)

    def stop(self) -> None:
        """Stop renewing (the lock itself is released by its owner)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def run_lock(client: redis.Redis, connection_id: str, resource: str, ttl_ms: int) -> RunLock:
    """The lock of one (connection, resource)."""
    return RunLock(client, f"ledgerhub:run:{connection_id}:{resource}", ttl_ms)
