"""A rate limiter that behaves like an ERP's: per tenant per window, per day, in flight, per app.

Windows are sliding (a call counts for exactly `window_seconds` after it was made), so
`Retry-After` is the time until the oldest counted call leaves the window. Rejected calls do
not count. The window and day lengths are configurable so tests can cross a boundary in
seconds. The clock is injectable for unit tests.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Decision", "Problem", "RateLimiter", "RateLimits"]


class Problem(StrEnum):
    """Which budget ran out (the values are the names ERPs put in their headers)."""

    MINUTE = "minute"
    DAY = "day"
    CONCURRENT = "concurrent"
    APP_MINUTE = "appminute"


class RateLimits(BaseModel):
    """Budgets; the defaults are Xero's: per tenant 60/min, 5 in flight, 5000/day; 10k/min app."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_window: int = Field(60, ge=1, description="calls per tenant per window")
    per_day: int = Field(5000, ge=1, description="calls per tenant per day")
    concurrent: int = Field(5, ge=1, description="calls of one tenant in flight at once")
    app_per_window: int = Field(10_000, ge=1, description="calls per window across all tenants")
    window_seconds: float = Field(60.0, gt=0, description="length of the 'minute' window")
    day_seconds: float = Field(86_400.0, gt=0, description="length of the 'day' window")


@dataclass(frozen=True)
class Decision:
    """The outcome of one `acquire`: allowed or not, and what is left of each budget."""

    allowed: bool
    problem: Problem | None
    retry_after: int
    window_remaining: int
    day_remaining: int
    app_remaining: int


class _Tenant:
    __slots__ = ("day", "in_flight", "window")

    def __init__(self) -> None:
        self.window: deque[float] = deque()
        self.day: deque[float] = deque()
        self.in_flight = 0


class RateLimiter:
    """Counts calls per tenant; `acquire` before a call, `release` after its response is sent."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._app: deque[float] = deque()

    def reset(self) -> None:
        """Forget every counted call (used by the sandbox's reset)."""
        with self._lock:
            self._tenants.clear()
            self._app.clear()

    @staticmethod
    def _expire(calls: deque[float], now: float, span: float) -> None:
        while calls and calls[0] <= now - span:
            calls.popleft()

    @staticmethod
    def _wait(calls: deque[float], now: float, span: float) -> int:
        # Seconds until the oldest counted call leaves the window; at least 1 so clients wait.
        return max(1, math.ceil(calls[0] + span - now)) if calls else 1

    def acquire(self, tenant: str) -> Decision:
        """Count a call of `tenant` if every budget allows it and take an in-flight slot."""
        limits = self.limits
        with self._lock:
            now = self._clock()
            state = self._tenants.setdefault(tenant, _Tenant())
            self._expire(state.window, now, limits.window_seconds)
            self._expire(state.day, now, limits.day_seconds)
            self._expire(self._app, now, limits.window_seconds)
            problem: Problem | None = None
            retry_after = 0
            if len(state.day) >= limits.per_day:
                problem, retry_after = Problem.DAY, self._wait(state.day, now, limits.day_seconds)
            elif len(self._app) >= limits.app_per_window:
                problem = Problem.APP_MINUTE
                retry_after = self._wait(self._app, now, limits.window_seconds)
            elif len(state.window) >= limits.per_window:
                problem = Problem.MINUTE
                retry_after = self._wait(state.window, now, limits.window_seconds)
            elif state.in_flight >= limits.concurrent:
                problem, retry_after = Problem.CONCURRENT, 1
            if problem is None:
                state.window.append(now)
                state.day.append(now)
                self._app.append(now)
                state.in_flight += 1
            return Decision(
                allowed=problem is None,
                problem=problem,
                retry_after=retry_after,
                window_remaining=max(0, limits.per_window - len(state.window)),
                day_remaining=max(0, limits.per_day - len(state.day)),
                app_remaining=max(0, limits.app_per_window - len(self._app)),
            )

    def release(self, tenant: str) -> None:
        """Give back the in-flight slot taken by an allowed `acquire`."""
        with self._lock:
            state = self._tenants.get(tenant)
            if state is not None and state.in_flight > 0:
                state.in_flight -= 1

    def in_flight(self, tenant: str) -> int:
        """Calls of `tenant` currently in flight."""
        with self._lock:
            state = self._tenants.get(tenant)
            return state.in_flight if state else 0
