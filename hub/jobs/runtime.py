"""What a hub process shares: settings, the store, Redis, the broker, one connector per connection.

Connectors are long-lived (one HTTP client per connection, as the conventions ask) and built
from the stored connection: its base URL, sealed client credentials, the encrypted token store,
the bindings-backed id resolver, and the tenant's rate budget kept in Redis so every worker
process shares it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from functools import cached_property
from typing import Any

import dramatiq
import redis
from dramatiq.broker import Consumer, MessageProxy
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import dq_name
from dramatiq.errors import ConnectionClosed
from dramatiq.middleware import Retries, default_middleware

from connectors.base import ConnectionConfig, Connector
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from connectors.registry import get_adapter
from hub.broker import broker_kind, broker_url, locks_redis_url, redis_client
from hub.erpnet import erp_transport
from hub.jobs.policy import FailurePolicy
from hub.lifeline import die_with_parent, watch_parent
from hub.settings import Settings, get_settings
from hub.store import Store


class ParentWatch(dramatiq.Middleware):
    """A worker process stops (gracefully) when its dramatiq master dies, even by `kill -9`."""

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        """Linux signals the process when its master dies; elsewhere a thread notices."""
        die_with_parent()
        watch_parent()


def budget_for(options: dict[str, Any], default: Budget) -> Budget:
    """The connection's budget: the adapter's, unless the connection overrides the limits."""
    limits = options.get("limits")
    if not isinstance(limits, dict):
        return default
    if limits.get("none"):
        return Budget.unlimited()
    concurrency = limits.get("concurrency")
    return Budget.from_limits(
        per_minute=int(limits["per_minute"]) if limits.get("per_minute") else None,
        per_day=int(limits["per_day"]) if limits.get("per_day") else None,
        concurrency=int(concurrency) if concurrency else None,
        window_seconds=float(limits.get("window_seconds", 60)),
    )


log = logging.getLogger("ledgerhub.jobs")


class _HeldConsumer(_RedisConsumer):
    """dramatiq's Redis consumer that tells its broker which fetched messages this process
    holds (handed to the worker and not yet acknowledged)."""

    broker: PromptRedisBroker

    def __next__(self) -> MessageProxy | None:
        message: MessageProxy | None = super().__next__()  # type: ignore[no-untyped-call]
        if message is not None:
            self.broker.hold(self.queue_name, message.options["redis_message_id"])
        return message

    def ack(self, message: MessageProxy) -> None:
        try:
            super().ack(message)  # type: ignore[no-untyped-call]
        finally:
            self.broker.release(self.queue_name, message.options["redis_message_id"])

    def nack(self, message: MessageProxy) -> None:
        try:
            super().nack(message)  # type: ignore[no-untyped-call]
        finally:
            self.broker.release(self.queue_name, message.options["redis_message_id"])


class PromptRedisBroker(RedisBroker):
    """dramatiq's Redis broker, with two changes.

    - Idle consumers look at their queue at least every `poll_ms` (dramatiq backs off up to its
      worker timeout, 1 s): a job sent to an idle worker — the sync an ERP's webhook asks for, a
      retry falling due — starts within it.
    - No job is stranded by a broker that goes away. A fetch the server carried out while the
      connection dropped moves messages into this worker's acknowledgement set without the
      worker ever receiving them, and a delay consumer's held messages are dropped with it.
      dramatiq gives such messages back only when the worker itself is dead, so a live worker
      would strand them. Each (re)started consumer therefore puts back on its queue every
      message of its acknowledgement set that this process does not hold.
    """

    def __init__(self, poll_ms: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.poll_ms = poll_ms
        self._held: dict[str, set[str]] = {}
        self._held_lock = threading.Lock()

    @property
    def consumer_class(self) -> type[_HeldConsumer]:
        return _HeldConsumer

    def hold(self, queue_name: str, message_id: str) -> None:
        """Note a fetched message this process works on (or delays)."""
        with self._held_lock:
            self._held.setdefault(queue_name, set()).add(message_id)

    def release(self, queue_name: str, message_id: str) -> None:
        """Forget a message once acknowledged or rejected."""
        with self._held_lock:
            self._held.get(queue_name, set()).discard(message_id)

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        """A consumer whose idle back-off stops at `poll_ms`, once the queue's stranded
        messages are back on it."""
        if dq_name(queue_name) == queue_name:
            # A delay consumer that restarts has dropped the messages it was holding.
            with self._held_lock:
                self._held.pop(queue_name, None)
        self.requeue_stranded(queue_name)
        return super().consume(queue_name, prefetch, min(timeout, self.poll_ms))

    def requeue_stranded(self, queue_name: str) -> int:
        """Put back on `queue_name` the messages of this worker's acknowledgement set that this
        process does not hold; how many."""
        key = f"{self.namespace}:__acks__.{self.broker_id}.{queue_name}"
        try:
            members = {m.decode() for m in self.client.smembers(key)}  # type: ignore[union-attr]
            with self._held_lock:
                stranded = members - self._held.get(queue_name, set())
            if stranded:
                self.do_requeue(queue_name, *sorted(stranded))
        except redis.ConnectionError as exc:
            raise ConnectionClosed(exc) from None  # type: ignore[no-untyped-call]  # the consumer thread tries again
        if stranded:
            log.warning("%d stranded job(s) put back on %s", len(stranded), queue_name)
        return len(stranded)


class Runtime:
    """One per process; everything in it is created on first use and reused after."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._connectors: dict[str, Connector] = {}
        self._built: dict[str, datetime] = {}
        self._lock = threading.Lock()

    @cached_property
    def store(self) -> Store:
        """The store (schema upgraded on first use)."""
        return Store.from_settings(self.settings, migrate=True)

    @cached_property
    def redis(self) -> redis.Redis | None:
        """Redis for locks and budgets, when there is one."""
        url = locks_redis_url(self.settings)
        return redis_client(url) if url else None

    @cached_property
    def broker(self) -> dramatiq.Broker:
        """The dramatiq broker with our failure policy in place of dramatiq's Retries."""
        middleware = [m() for m in default_middleware if m is not Retries]
        middleware.append(FailurePolicy(self.settings, lambda: self.store))
        middleware.append(ParentWatch())
        url = broker_url(self.settings)
        if broker_kind(url) == "redis":
            return PromptRedisBroker(
                self.settings.job_poll_ms,
                url=url,
                middleware=middleware,
                heartbeat_timeout=self.settings.job_heartbeat_timeout_ms,
                dead_message_ttl=7 * 86_400_000,
                maintenance_chance=self.settings.job_maintenance_chance,
            )
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, middleware=middleware)

    def limiter(self, budget: Budget) -> RateLimiter:
        """A rate limiter shared across processes when Redis is there, in-process otherwise."""
        if self.redis is not None:
            return RedisRateLimiter(budget, self.redis)
        return MemoryRateLimiter(budget)

    def connector(self, connection_id: str) -> Connector:
        """The connection's connector, built once per process, and again once the stored
        connection changed (a new base URL, credentials or options from another process)."""
        with self._lock:
            view = self.store.connections.get(connection_id)
            found = self._connectors.get(connection_id)
            if found is not None and self._built.get(connection_id) == view.updated_at:
                return found
            # A stale one is dropped, not closed: a job of another thread may still be using it.
            credentials = self.store.connections.credentials(connection_id)
            if credentials is None or view.base_url is None:
                from connectors.errors import AuthError

                raise AuthError(f"connection {connection_id} has no credentials or base URL")
            spec = get_adapter(view.erp)
            options = dict(view.options)
            config = ConnectionConfig(
                connection_id=view.id,
                base_url=view.base_url,
                auth_mode=options.get("auth_mode"),
                credentials=credentials.values(),
                tenant_id=view.remote_tenant_id,
                grant=str(options.get("grant", "client_credentials")),
                scopes=tuple(view.scopes),
                redirect_uri=options.get("redirect_uri"),
                options={k: str(v) for k, v in options.items() if isinstance(v, str)},
            )
            connector = spec.connector(
                config,
                tokens=self.store.tokens,
                ids=self.store.resolver(view.id),
                limiter=self.limiter(budget_for(options, spec.budget)),
                transport=erp_transport(self.settings),
            )
            self._connectors[connection_id] = connector
            self._built[connection_id] = view.updated_at
            return connector

    def forget(self, connection_id: str) -> None:
        """Drop a cached connector (after its connection changed)."""
        with self._lock:
            connector = self._connectors.pop(connection_id, None)
        if connector is not None:
            connector.close()

    def close(self) -> None:
        """Close connectors and the store."""
        with self._lock:
            connectors, self._connectors = list(self._connectors.values()), {}
        for connector in connectors:
            connector.close()
        if "store" in self.__dict__:
            self.store.dispose()


_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    """This process's runtime."""
    global _runtime  # noqa: PLW0603 - one runtime per process, created on first use
    if _runtime is None:
        _runtime = Runtime()
    return _runtime


def reset_runtime() -> None:
    """Forget the process's runtime (tests, and after settings change)."""
    global _runtime  # noqa: PLW0603
    if _runtime is not None:
        _runtime.close()
    _runtime = None
