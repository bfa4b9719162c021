"""The correlation id of the work in progress, carried by every outbound request.

The hub sets it when a job or an API request starts; adapters read it when they send. A
contextvar keeps it right across threads and async tasks without passing it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ulid import ULID

_correlation_id: ContextVar[str | None] = ContextVar("ledgerhub_correlation_id", default=None)


def new_correlation_id() -> str:
    """A fresh correlation id (`cor_` + ULID)."""
    return f"cor_{ULID()}"


def current_correlation_id() -> str:
    """The correlation id in force, or a fresh one when nothing set it."""
    value = _correlation_id.get()
    if value is None:
        value = new_correlation_id()
        _correlation_id.set(value)
    return value


@contextmanager
def correlation(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block under `correlation_id` (a new one when None)."""
    value = correlation_id or new_correlation_id()
    token = _correlation_id.set(value)
    try:
        yield value
    finally:
        _correlation_id.reset(token)
