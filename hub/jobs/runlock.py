"""Never two runs of the same connection and resource at once.

A lock per (connection, resource) with an expiry, renewed as pages commit: a worker killed with
`kill -9` stops renewing, and after `ttl` the redelivered job may take over. Held in Redis when
there is one; otherwise in a file lock (one machine, the embedded defaults).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import redis

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


def run_lock(client: redis.Redis, connection_id: str, resource: str, ttl_ms: int) -> RunLock:
    """The lock of one (connection, resource)."""
    return RunLock(client, f"ledgerhub:run:{connection_id}:{resource}", ttl_ms)
