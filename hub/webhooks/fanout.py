"""The webhook event sink: turns dispatched outbox events into messages for matching endpoints
and starts their delivery."""

from __future__ import annotations

from hub.jobs.runtime import Runtime
from hub.store import OutboxItem


class WebhookFanout:
    """An event sink of the dispatcher (`hub.jobs.dispatch`).

    `delay_ms`: when the delivery round it sends each endpoint runs (0: at once; a job that
    delivers the messages itself sends the round later, as its guarantee). `endpoints`: the
    endpoints that got messages, in the order first seen.
    """

    def __init__(self, runtime: Runtime, delay_ms: int = 0) -> None:
        self.runtime = runtime
        self.delay_ms = delay_ms
        self.endpoints: dict[str, None] = {}

    def deliver(self, items: list[OutboxItem]) -> None:
        """Create the messages (idempotent) and send a delivery round per endpoint concerned.

        Raises when the broker is away, so the dispatcher retries the batch: the messages
        already made are not made twice, and their endpoints still get their round.
        """
        from hub.jobs.enqueue import send_deliveries

        store = self.runtime.store
        tenants = {c.id: c.tenant_id for c in store.connections.list()}
        for endpoint_id in store.webhooks.fan_out(items, tenants):
            if endpoint_id not in self.endpoints:
                send_deliveries(self.runtime, endpoint_id, self.delay_ms)
            self.endpoints[endpoint_id] = None
