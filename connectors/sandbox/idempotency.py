"""Replay of writes by idempotency key: the same key returns the first result, nothing is written.

Keys are scoped by tenant, as ERPs scope them by organisation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["IdempotencyCache", "StoredResponse"]


@dataclass(frozen=True)
class StoredResponse:
    """The first answer given for a key."""

    status: int
    body: bytes
    media_type: str


class IdempotencyCache:
    """Remembers the response of each (tenant, key); thread-safe, in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stored: dict[tuple[str, str], StoredResponse] = {}

    def get(self, tenant: str, key: str) -> StoredResponse | None:
        """The stored response for this key, if the key was used before."""
        with self._lock:
            return self._stored.get((tenant, key))

    def put(self, tenant: str, key: str, response: StoredResponse) -> StoredResponse:
        """Store the first response for a key; returns whichever response is now stored."""
        with self._lock:
            return self._stored.setdefault((tenant, key), response)

    def clear(self) -> None:
        """Forget every key."""
        with self._lock:
            self._stored.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._stored)
