"""Webhook delivery per Standard Webhooks: signed POSTs, retries on a schedule, dead letters.

Each attempt POSTs the canonical event to the endpoint with `webhook-id` (the message id, the
same on every retry and replay), `webhook-timestamp` and `webhook-signature` (`v1,` + base64
HMAC-SHA256 over `id.timestamp.body`, one per active secret, so during a secret rotation both
verify). Signing is the `standardwebhooks` library's, the one receivers verify with.

A 2xx is delivered. Anything else — 3xx (never followed), 4xx, 5xx, a timeout, a refused
destination — is a failed attempt, retried after the next step of `SCHEDULE` (times
`LEDGERHUB_WEBHOOK_RETRY_SCALE`), or after the receiver's `Retry-After` in real seconds when
that is longer. After the last attempt the message is dead (listed, replayable). `410 Gone`
disables the endpoint at once; an endpoint failing for `LEDGERHUB_WEBHOOK_DISABLE_AFTER_SECONDS`
(scaled) whose message has run through the whole schedule is disabled too; both with a
`webhook_endpoint.disabled` notice event.

Every request goes through the SSRF guard (`connectors.netguard`): the address is checked at
connect time, redirects are not followed, and the body read back is capped in bytes and time.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

import httpx
from standardwebhooks.webhooks import Webhook

from connectors.netguard import DestinationRefused, NetGuard, guarded_client, read_capped
from hub import __version__
from hub.jobs.runtime import Runtime
from hub.store.models import utcnow
from hub.store.webhooks import AttemptResult, EndpointView, MessageView, Outcome

log = logging.getLogger("ledgerhub.webhooks")

SCHEDULE_S: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
"""Delay before attempt n+1 (attempt 1 at once): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h."""
MAX_RETRY_AFTER_S = 86_400.0
SNIPPET_BYTES = 1024
BATCH = 50
PARALLEL = 8
"""Messages of one endpoint sent at once; never two of the same record (see `claim`)."""


def sign(secrets: list[str], message_id: str, timestamp: datetime, body: bytes) -> str:
    """The `webhook-signature` header: one `v1,` signature per secret, space-separated."""
    return " ".join(Webhook(s).sign(message_id, timestamp, body) for s in secrets)


def retry_after_seconds(value: str | None) -> float | None:
    """A `Retry-After` header (seconds or an HTTP date) in seconds from now, capped at a day."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class Answer:
    """What one attempt got, and the receiver's `Retry-After` in seconds."""

    result: AttemptResult
    retry_after: float | None


class Sender:
    """The process's guarded HTTP client for webhook deliveries."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.timeout = settings.webhook_timeout_seconds
        self.client = guarded_client(
            NetGuard.from_hosts(settings.webhook_allowed_hosts),
            timeout=httpx.Timeout(self.timeout),
        )

    def post(self, url: str, message: MessageView, secrets: list[str]) -> Answer:
        """One signed attempt; never raises for the receiver's sake."""
        body = message.body.encode()
        now = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "user-agent": f"Ledgerhub-Webhooks/{__version__}",
            "webhook-id": message.id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": sign(secrets, message.id, now, body),
        }
        started = time.monotonic()
        try:
            with self.client.stream("POST", url, content=body, headers=headers) as response:
                capped = read_capped(response, SNIPPET_BYTES, deadline_s=self.timeout)
                code = response.status_code
                retry_after = retry_after_seconds(response.headers.get("retry-after"))
        except DestinationRefused as exc:
            return Answer(AttemptResult(None, _ms(started), None, f"refused: {exc}"), None)
        except httpx.HTTPError as exc:
            failure = f"{type(exc).__name__}: {exc}"
            return Answer(AttemptResult(None, _ms(started), None, failure), None)
        snippet = capped.content.decode("utf-8", errors="replace")
        error = None if 200 <= code < 300 else f"HTTP {code}"
        return Answer(AttemptResult(code, _ms(started), snippet, error), retry_after)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


_senders: weakref.WeakKeyDictionary[Runtime, Sender] = weakref.WeakKeyDictionary()
_senders_lock = threading.Lock()


def sender(runtime: Runtime) -> Sender:
    """The runtime's sender: one long-lived client, built from its settings."""
    with _senders_lock:
        found = _senders.get(runtime)
        if found is None:
            found = _senders[runtime] = Sender(runtime)
        return found


def _notice(runtime: Runtime, endpoint: EndpointView, reason: str) -> None:
    runtime.store.outbox.add(
        "webhook_endpoint.disabled",
        {
            "tenant_id": endpoint.tenant_id,
            "endpoint_id": endpoint.id,
            "url": endpoint.url,
            "reason": reason,
        },
        correlation_id=f"cor_{endpoint.id}",
    )
    log.warning("webhook endpoint %s disabled: %s", endpoint.id, reason)


def decide(msg: MessageView, answer: Answer, scale: float) -> Outcome:
    """What an attempt's answer means for its message: delivered, gone, dead or a retry."""
    if answer.result.error is None:
        return Outcome(msg, answer.result, "delivered")
    if answer.result.status_code == 410:
        return Outcome(msg, answer.result, "gone")
    done = msg.attempts + 1
    if done >= len(SCHEDULE_S):
        return Outcome(msg, answer.result, "dead")
    wait = SCHEDULE_S[done] * scale
    wait = max(wait, answer.retry_after or 0.0)  # the receiver's own wish, in real seconds
    return Outcome(msg, answer.result, "retry", utcnow() + timedelta(seconds=wait))


def _after(runtime: Runtime, endpoint: EndpointView, outcomes: list[Outcome]) -> None:
    """Disable the endpoint when a receiver said Gone, or failed past the limit."""
    store = runtime.store.webhooks
    settings = runtime.settings
    reason = None
    if any(o.outcome == "gone" for o in outcomes):
        reason = "the receiver answered 410 Gone"
    elif any(o.outcome == "dead" for o in outcomes):
        current = store.endpoint(endpoint.id)
        limit = timedelta(
            seconds=settings.webhook_disable_after_seconds * settings.webhook_retry_scale
        )
        since = current.failing_since
        if since is not None and utcnow() - since >= limit:
            reason = f"deliveries failed since {since.isoformat()}"
    if reason is not None:
        disabled = store.disable(endpoint.id, reason)
        if disabled is not None:
            _notice(runtime, disabled, reason)


class _Flight:
    """A claimed batch on its way: its posts run in the pool while the caller goes on."""

    def __init__(
        self,
        runtime: Runtime,
        endpoint: EndpointView,
        secrets: list[str],
        batch: list[MessageView],
        pool: ThreadPoolExecutor,
    ) -> None:
        self.endpoint = endpoint
        self.batch = batch
        post = partial(sender(runtime).post, endpoint.url, secrets=secrets)
        self.answers = [pool.submit(post, message) for message in batch]

    def outcomes(self, scale: float) -> list[Outcome]:
        """Wait for every post of the batch; what each answer means."""
        answers = [future.result() for future in self.answers]
        return [decide(m, a, scale) for m, a in zip(self.batch, answers, strict=True)]


def _record(runtime: Runtime, endpoint: EndpointView, outcomes: list[Outcome]) -> None:
    runtime.store.webhooks.record_attempts(endpoint.id, outcomes)
    _after(runtime, endpoint, outcomes)


def drain(runtime: Runtime, endpoint_id: str, deadline: float | None = None) -> int:
    """Deliver every due message of an endpoint; schedule the next round; the number sent.

    Pipelined: as soon as a batch's answers are in, the next batch is claimed and sent, and
    the finished batch's attempts are recorded while it is on its way, so the store work
    overlaps the sending instead of leaving the connections idle. The order per record holds
    all the same: a claim never takes a record's message while an earlier one of it is
    unfinished (`claim`). A `410 Gone` stops the round before another batch is claimed.

    With a `deadline` (`time.monotonic()`), no batch starts after it: a round job at once
    takes the rest over.
    """
    from hub.jobs.enqueue import send_deliveries

    store = runtime.store.webhooks
    scale = runtime.settings.webhook_retry_scale
    lease = timedelta(seconds=runtime.settings.webhook_timeout_seconds * 2 + 10)
    sent = 0
    flight: _Flight | None = None
    with ThreadPoolExecutor(PARALLEL, thread_name_prefix="webhook") as pool:
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                if flight is not None:
                    outcomes = flight.outcomes(scale)
                    _record(runtime, flight.endpoint, outcomes)
                    sent += len(outcomes)
                send_deliveries(runtime, endpoint_id, 0)
                return sent
            landed: tuple[EndpointView, list[Outcome]] | None = None
            if flight is not None:
                landed = flight.endpoint, flight.outcomes(scale)
                flight = None
                sent += len(landed[1])
                if any(o.outcome == "gone" for o in landed[1]):
                    _record(runtime, *landed)
                    break
            # Claimed only now, so a lease starts when its batch goes out, never while it
            # waits behind another one.
            batch = store.claim(endpoint_id, BATCH, lease)
            if batch:
                endpoint, secrets = store.delivery_target(endpoint_id)
                if endpoint.status != "enabled":  # disabled since the claim: send nothing
                    store.release([m.id for m in batch])
                else:
                    flight = _Flight(runtime, endpoint, secrets, batch, pool)
            if landed is not None:
                _record(runtime, *landed)
            elif flight is None:
                break
    schedule_next(runtime, endpoint_id)
    return sent


def schedule_next(runtime: Runtime, endpoint_id: str) -> None:
    """Send a delivery job for when the endpoint's next message falls due."""
    from hub.jobs.enqueue import send_deliveries

    due = runtime.store.webhooks.next_due(endpoint_id)
    if due is None:
        return
    delay_ms = max(0, int((due - utcnow()).total_seconds() * 1000) + 50)
    send_deliveries(runtime, endpoint_id, delay_ms)


def replay_message(runtime: Runtime, tenant_id: str, message_id: str) -> MessageView:
    """Put a dead message back in line (same `webhook-id`) and send a delivery job."""
    from hub.jobs.enqueue import send_deliveries

    message = runtime.store.webhooks.replay(tenant_id, message_id)
    send_deliveries(runtime, message.endpoint_id, 0)
    return message
