"""A tenant's rate budget, enforced before a request is sent and shared by every worker.

ERPs budget calls per tenant: Xero allows 60 a minute, 5 in flight and 5,000 a day. The budget
belongs to the tenant, not to a worker, so the limiter keys on the tenant and, when a Redis URL
is configured, keeps its books in Redis where every process sees them. Each window is a sliding
log: at most `limit` sends in any `window` seconds, which also keeps within a server that counts
in fixed windows. The window is padded by a small margin so that network jitter between our
send time and the server's receive time does not turn the last call of a window into a 429.

A daily budget that runs out is not waited for: `acquire` raises `RateLimited(scope="day")` so
the job is parked with a clear reason instead of sleeping for hours.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from connectors.errors import RateLimited

if TYPE_CHECKING:  # a client is handed in: a process without Redis (hub extract) never loads it
    import redis

LONG_WAIT = 120.0
"""Waits longer than this (seconds) are not slept through: the caller gets RateLimited."""


@dataclass(frozen=True)
class Window:
    """At most `limit` calls in any `seconds`; `scope` names it (minute, day, appminute)."""

    scope: str
    limit: int
    seconds: float

    @property
    def padded(self) -> float:
        """The window with a safety margin for clock and network jitter (1% + 20 ms)."""
        return self.seconds * 1.01 + 0.02


@dataclass(frozen=True)
class Budget:
    """All limits of one ERP: sliding windows per tenant, per app, and a concurrency cap."""

    windows: Sequence[Window]
    concurrency: int | None = None
    app_windows: Sequence[Window] = ()

    @classmethod
    def unlimited(cls) -> Budget:
        """No limits at all (sandboxes run with --no-limits)."""
        return cls(windows=())

    @classmethod
    def from_limits(
        cls,
        *,
        per_minute: int | None = None,
        per_day: int | None = None,
        concurrency: int | None = None,
        window_seconds: float = 60.0,
    ) -> Budget:
        """A budget from plain numbers (None leaves a limit out); a day is 1440 windows."""
        windows = []
        if per_minute:
            windows.append(Window("minute", per_minute, window_seconds))
        if per_day:
            windows.append(Window("day", per_day, window_seconds * 1440))
        return cls(windows=tuple(windows), concurrency=concurrency or None)


def wait_for(window: Window, seconds: float) -> float:
    """Sleep until the window has room again; a long wait is raised as RateLimited instead."""
    if seconds > LONG_WAIT:
        raise RateLimited(
            f"the {window.scope} budget of {window.limit} calls is used up",
            retry_after=seconds,
            scope=window.scope,
        )
    time.sleep(seconds)
    return seconds


class RateLimiter(Protocol):
    """Hands out permission to send, per tenant key, within a Budget."""

    def slot(self, key: str, app_key: str = "app") -> AbstractContextManager[None]:
        """Block until a call may be sent for `key`; hold a concurrency slot for the block."""
        ...

    def observe(self, key: str, remaining: Mapping[str, int]) -> None:
        """Trust the ERP's own count: `remaining` calls per scope, as its headers said."""
        ...


class MemoryRateLimiter:
    """The limiter for one process: sliding logs in deques, a semaphore per tenant."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._logs: dict[tuple[str, str], deque[float]] = {}
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def _wait_needed(
        self, key: str, windows: Sequence[Window], now: float
    ) -> tuple[float, Window | None]:
        longest, which = 0.0, None
        for w in windows:
            log = self._logs.setdefault((key, w.scope), deque())
            while log and log[0] <= now - w.padded:
                log.popleft()
            if len(log) >= w.limit:
                wait = log[len(log) - w.limit] + w.padded - now
                if wait > longest:
                    longest, which = wait, w
        return longest, which

    def _take(self, key: str, app_key: str) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                wait, window = self._wait_needed(key, self.budget.windows, now)
                app_wait, app_window = self._wait_needed(app_key, self.budget.app_windows, now)
                if app_wait > wait:
                    wait, window = app_wait, app_window
                if wait <= 0:
                    for w in self.budget.windows:
                        self._logs[(key, w.scope)].append(now)
                    for w in self.budget.app_windows:
                        self._logs[(app_key, w.scope)].append(now)
                    return
            assert window is not None
            self.waited += wait_for(window, wait)

    @contextmanager
    def slot(self, key: str, app_key: str = "app") -> Iterator[None]:
        """Wait for the budget, then hold one of the tenant's concurrency slots."""
        sem = None
        if self.budget.concurrency:
            with self._lock:
                sem = self._sems.setdefault(
                    key, threading.BoundedSemaphore(self.budget.concurrency)
                )
            sem.acquire()
        try:
            self._take(key, app_key)
            yield
        finally:
            if sem is not None:
                sem.release()

    def observe(self, key: str, remaining: Mapping[str, int]) -> None:
        """Book phantom calls when the ERP says fewer remain than we counted (others use it too)."""
        with self._lock:
            now = time.monotonic()
            for w in self.budget.windows:
                if w.scope not in remaining:
                    continue
                log = self._logs.setdefault((key, w.scope), deque())
                while log and log[0] <= now - w.padded:
                    log.popleft()
                missing = (w.limit - len(log)) - remaining[w.scope]
                for _ in range(max(0, missing)):
                    log.append(now)


_TAKE_SCRIPT = """
-- KEYS: one sorted set per window; ARGV: now_ms, member, then (limit, window_ms) per key
local now = tonumber(ARGV[1])
local member = ARGV[2]
local longest = 0
local which = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local wait = tonumber(oldest[2]) + window - now
    if wait > longest then longest = wait; which = i end
  end
end
if longest > 0 then return {longest, which} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member .. ':' .. i)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]) + 1000)
end
return {0, 0}
"""

_SLOT_SCRIPT = """
-- KEYS[1]: sorted set of leases; ARGV: now_ms, lease, limit, ttl_ms
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
  return 1
end
return 0
"""


class RedisRateLimiter:
    """The limiter shared by every worker and process: the same sliding logs, kept in Redis.

    Time comes from the Redis server (TIME), so workers on machines with skewed clocks agree.
    A concurrency lease expires after `lease_seconds` so a killed worker cannot hold it forever.
    """

    def __init__(
        self,
        budget: Budget,
        client: redis.Redis,
        *,
        prefix: str = "ledgerhub:rl",
        lease_seconds: float = 120.0,
    ) -> None:
        self.budget = budget
        self._redis = client
        self._prefix = prefix
        self._lease_ms = int(lease_seconds * 1000)
        self._take = client.register_script(_TAKE_SCRIPT)
        self._slot = client.register_script(_SLOT_SCRIPT)
        self.waited = 0.0

    def _now_ms(self) -> int:
        seconds, micros = self._redis.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def _acquire_budget(self, key: str, app_key: str) -> None:
        windows = [(f"{self._prefix}:{key}:{w.scope}", w) for w in self.budget.windows]
        windows += [(f"{self._prefix}:{app_key}:{w.scope}", w) for w in self.budget.app_windows]
        if not windows:
            return
        member = uuid.uuid4().hex
        args: list[int | str] = [0, member]
        for _, w in windows:
            args += [w.limit, int(w.padded * 1000)]
        while True:
            args[0] = self._now_ms()
            wait_ms, which = self._take(keys=[k for k, _ in windows], args=args)
            if int(wait_ms) <= 0:
                return
            window = windows[int(which) - 1][1]
            wait = int(wait_ms) / 1000
            self.waited += wait_for(window, wait)

    @contextmanager
    def slot(self, key: str, app_key: str = "app") -> Iterator[None]:
        """Wait for a concurrency lease and the budget; release the lease after the block."""
        lease_key = f"{self._prefix}:{key}:inflight"
        lease = uuid.uuid4().hex
        if self.budget.concurrency:
            delay = 0.005
            while not self._slot(
                keys=[lease_key],
                args=[self._now_ms(), lease, self.budget.concurrency, self._lease_ms],
            ):
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            self._acquire_budget(key, app_key)
            yield
        finally:
            if self.budget.concurrency:
                self._redis.zrem(lease_key, lease)

    def observe(self, key: str, remaining: Mapping[str, int]) -> None:
        """Book phantom calls when the ERP says fewer remain than our books show."""
        now = self._now_ms()
        for w in self.budget.windows:
            if w.scope not in remaining:
                continue
            zkey = f"{self._prefix}:{key}:{w.scope}"
            pipe = self._redis.pipeline()
            pipe.zremrangebyscore(zkey, "-inf", now - int(w.padded * 1000))
            pipe.zcard(zkey)
            _, count = pipe.execute()
            missing = (w.limit - int(count)) - remaining[w.scope]
            if missing > 0:
                self._redis.zadd(
                    zkey, {f"observed:{uuid.uuid4().hex}:{i}": now for i in range(missing)}
                )
