"""Fault injection: a share of requests fails the way ERPs fail.

One uniform draw per request picks at most one exclusive fault (500, 503, 429, dropped
connection, malformed body, expired token) by cumulative shares; a second draw decides whether
the request is also slow. With `seed` set, the sequence of faults is reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FaultConfig", "FaultInjector", "FaultKind", "FaultPlan"]


class FaultKind(StrEnum):
    """What goes wrong with one request."""

    ERROR = "error"  # 500
    UNAVAILABLE = "unavailable"  # 503
    THROTTLE = "throttle"  # 429 with the ERP's headers
    DROP = "drop"  # the connection closes mid-response; a write is applied first
    MALFORMED = "malformed"  # 200 with a body that is not valid JSON
    EXPIRED_TOKEN = "expired_token"  # noqa: S105 - 401 as for an expired access token


_RATE_FIELDS: dict[FaultKind, str] = {
    FaultKind.ERROR: "error_rate",
    FaultKind.UNAVAILABLE: "unavailable_rate",
    FaultKind.THROTTLE: "throttle_rate",
    FaultKind.DROP: "drop_rate",
    FaultKind.MALFORMED: "malformed_rate",
    FaultKind.EXPIRED_TOKEN: "expired_token_rate",
}


class FaultConfig(BaseModel):
    """Shares (0..1) of requests that fail each way; the body of `POST /_sandbox/faults`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error_rate: float = Field(0.0, ge=0, le=1, description="share answered 500")
    unavailable_rate: float = Field(0.0, ge=0, le=1, description="share answered 503")
    throttle_rate: float = Field(0.0, ge=0, le=1, description="share answered 429")
    drop_rate: float = Field(0.0, ge=0, le=1, description="share whose connection is dropped")
    malformed_rate: float = Field(0.0, ge=0, le=1, description="share with a broken JSON body")
    expired_token_rate: float = Field(0.0, ge=0, le=1, description="share answered 401 expired")
    slow_rate: float = Field(0.0, ge=0, le=1, description="share delayed by slow_seconds")
    slow_seconds: float = Field(1.0, ge=0, le=600, description="delay of a slow response")
    retry_after: int = Field(1, ge=0, description="Retry-After seconds of an injected 429")
    seed: int | None = Field(None, description="makes the sequence of faults reproducible")
    methods: tuple[str, ...] | None = Field(None, description="only these HTTP methods")
    paths: tuple[str, ...] | None = Field(None, description="only paths starting with one of these")

    @model_validator(mode="after")
    def _shares_fit(self) -> FaultConfig:
        total = sum(getattr(self, name) for name in _RATE_FIELDS.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"the fault shares add up to {total:.3f}, more than 1")
        return self

    @property
    def active(self) -> bool:
        """True when any fault can happen."""
        return self.slow_rate > 0 or any(getattr(self, n) > 0 for n in _RATE_FIELDS.values())

    def targets(self, method: str, path: str) -> bool:
        """True when a request with this method and path may be given a fault."""
        if self.methods is not None and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return self.paths is None or any(path.startswith(prefix) for prefix in self.paths)


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request: an optional fault and a delay before answering."""

    kind: FaultKind | None
    delay: float


class FaultInjector:
    """Draws a `FaultPlan` per request from the current `FaultConfig`; thread-safe."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = FaultConfig()
        self._rng = random.Random()  # noqa: S311 - test faults, not security
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        """Replace the configuration (and restart the seeded sequence)."""
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)  # noqa: S311

    def clear(self) -> None:
        """No faults from now on."""
        self.configure(FaultConfig())

    def draw(self, method: str, path: str) -> FaultPlan:
        """The plan for the next request."""
        with self._lock:
            config = self.config
            if not config.active or not config.targets(method, path):
                return FaultPlan(None, 0.0)
            roll = self._rng.random()
            slow = self._rng.random() < config.slow_rate
        kind: FaultKind | None = None
        edge = 0.0
        for candidate, name in _RATE_FIELDS.items():
            edge += getattr(config, name)
            if roll < edge:
                kind = candidate
                break
        return FaultPlan(kind, config.slow_seconds if slow else 0.0)
