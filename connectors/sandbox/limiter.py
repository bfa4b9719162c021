"""A rate limiter that behaves like an ERP's: per tenant per window, per day, in flight, per app.

Windows are sliding (a call counts for exactly `window_seconds` after it was made), so
`Retry-After` is the time until the oldest counted call leaves the window. Rejected calls do
not count. The window and day lengths are configurable so tests can cross a boundary in
seconds. The clock is injectable for unit tests.

A budget left out (None, the default) is not limited: each ERP's sandbox declares its own
budgets (Xero's in `connectors.xero.sandbox.config`); `RateLimits.concurrency_only(n)` limits
only the calls in flight, as NetSuite does. A limiter made with `enforce=False` never refuses a
call and reports every budget whole, so a sandbox without limits still sends the ERP's limit
headers.
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
    """Budgets per tenant and per app; a budget left out (None) is not limited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_window: int | None = Field(None, ge=1, description="calls per tenant per window")
    per_day: int | None = Field(None, ge=1, description="calls per tenant per day")
    concurrent: int | None = Field(None, ge=1, description="calls of one tenant in flight")
    app_per_window: int | None = Field(
        None, ge=1, description="calls per window across all tenants"
    )
    window_seconds: float = Field(60.0, gt=0, description="length of the 'minute' window")
    day_seconds: float = Field(86_400.0, gt=0, description="length of the 'day' window")

    @classmethod
    def concurrency_only(cls, concurrent: int) -> RateLimits:
        """Only calls in flight are limited (NetSuite: per account, by its licences)."""
        return cls(concurrent=concurrent)


@dataclass(frozen=True)
class Decision:
    """The outcome of one `acquire`: allowed or not, and what is left of each budget."""

    allowed: bool
    problem: Problem | None
    retry_after: int
    window_remaining: int
    day_remaining: int
    app_remaining: int
    in_flight: int = 0


def _left(budget: int | None, calls: deque[float]) -> int:
    """What is left of a budget (-1: not limited)."""
    return -1 if budget is None else max(0, budget - len(calls))


class _Tenant:
    __slots__ = ("day", "in_flight", "window")

    def __init__(self) -> None:
        self.window: deque[float] = deque()
        self.day: deque[float] = deque()
        self.in_flight = 0


class RateLimiter:
    """Counts calls per tenant; `acquire` before a call, `release` after its response is sent."""

    def __init__(
        self,
        limits: RateLimits,
        clock: Callable[[], float] = time.monotonic,
        *,
        enforce: bool = True,
    ) -> None:
        self.limits = limits
        self.enforce = enforce
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
            per_day, per_window, app = limits.per_day, limits.per_window, limits.app_per_window
            if per_day is not None and len(state.day) >= per_day:
                problem, retry_after = Problem.DAY, self._wait(state.day, now, limits.day_seconds)
            elif app is not None and len(self._app) >= app:
                problem = Problem.APP_MINUTE
                retry_after = self._wait(self._app, now, limits.window_seconds)
            elif per_window is not None and len(state.window) >= per_window:
                problem = Problem.MINUTE
                retry_after = self._wait(state.window, now, limits.window_seconds)
            elif limits.concurrent is not None and state.in_flight >= limits.concurrent:
                problem, retry_after = Problem.CONCURRENT, 1
            if not self.enforce:
                # Nothing is limited: report every budget whole, count only what is in flight.
                state.in_flight += 1
                return Decision(
                    allowed=True,
                    problem=None,
                    retry_after=0,
                    window_remaining=-1 if per_window is None else per_window,
                    day_remaining=-1 if per_day is None else per_day,
                    app_remaining=-1 if app is None else app,
                    in_flight=state.in_flight,
                )
            if problem is None:
                state.window.append(now)
                state.day.append(now)
                self._app.append(now)
                state.in_flight += 1
            return Decision(
                allowed=problem is None,
                problem=problem,
                retry_after=retry_after,
                window_remaining=_left(per_window, state.window),
                day_remaining=_left(per_day, state.day),
                app_remaining=_left(app, self._app),
                in_flight=state.in_flight,
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
