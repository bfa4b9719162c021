"""What happens when a job fails: decided here, for every actor.

- `RateLimited` (minute, concurrent): the job goes back on the queue after the ERP's
  `Retry-After`, without using up an attempt.
- `RunBusy` (another run of the same connection and resource holds its lock, or our own lock
  outlived an outage): back on the queue after the lock's remaining time, without using up an
  attempt; waiting for a lock is not a failure.
- `RateLimited` (day): parked until the budget resets, with an exception case saying so.
- Transient failures (5xx, timeouts, a database that is briefly away, an unexpected bug): retried
  with exponential backoff; after the last attempt the job is dead-lettered and a case opened.
- Permanent failures (auth, validation, mapping, rejected, duplicate, conflict): never retried;
  an exception case is opened at once, with the action that resolves it.

Nothing leaves silently: every job that stops without succeeding is a case. An actor says what
its jobs are about with its `subject` option (a `SubjectOf`), used for their cases.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import dramatiq
import redis
from dramatiq.actor import Actor
from dramatiq.broker import MessageProxy
from dramatiq.common import compute_backoff
from dramatiq.middleware import Middleware

from connectors.errors import ConnectorError, RateLimited
from hub.jobs.runlock import RunBusy
from hub.settings import Settings
from hub.store import JOB_REF, Store

log = logging.getLogger("ledgerhub.jobs")

BROKER_DOWN = (dramatiq.errors.BrokerConnectionError, redis.ConnectionError, redis.TimeoutError)
"""What enqueueing raises while the broker is unreachable."""
REQUEUE_PATIENCE_S = 600.0
"""How long a retry waits for an unreachable broker before giving up (and logging it)."""


@dataclass(frozen=True)
class JobSubject:
    """What a job is about, for its exception case."""

    connection_id: str | None
    object_name: str | None
    record_ref: str
    source: str
    on_give_up: Callable[[BaseException], None] | None = None
    on_requeue: Callable[[int], None] | None = None
    """Told the delay (ms) before the job runs again: a sync run extends its lease by it."""


SubjectOf = Callable[[dict[str, Any], Store, Settings], JobSubject]
"""An actor's `subject` option: what a message is about, from its keyword arguments."""


def _as_message(proxy: MessageProxy) -> dramatiq.Message[Any]:
    # The proxy stands for its message (dramatiq's own Retries middleware enqueues it so);
    # its options, including our retry count, are the message's own dict.
    return cast("dramatiq.Message[Any]", proxy)


def classify(exc: BaseException) -> tuple[str, bool]:
    """(case category, retry?) for any exception a job raises."""
    if isinstance(exc, ConnectorError):
        return exc.category, exc.retryable
    # Not ours: a database that went away, a broker hiccup, or a bug. Retrying costs little and
    # heals the first two; the third ends in the dead letters, where a person sees it.
    return "internal", True


def _requeue(broker: dramatiq.Broker, message: MessageProxy, delay: int) -> None:
    """Put the message back on the queue, waiting out a broker that is briefly away.

    The failed message is acknowledged once this returns (dramatiq retries the acknowledgement
    until the broker is back), so a retry that could not be enqueued would be lost silently.
    """
    wait = 0.5
    deadline = time.monotonic() + REQUEUE_PATIENCE_S
    while True:
        try:
            broker.enqueue(_as_message(message), delay=delay)
            return
        except BROKER_DOWN as exc:
            if time.monotonic() > deadline:
                log.error("could not re-enqueue %s: the broker is away", message.actor_name)
                raise
            log.warning(
                "broker unreachable (%s); re-enqueueing %s again in %.1f s",
                type(exc).__name__,
                message.actor_name,
                wait,
            )
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


class FailurePolicy(Middleware):
    """Replaces dramatiq's Retries middleware with the hub's policy.

    `store` gives the store its cases and dead letters go to (called when a job fails, so a
    process that never fails a job never opens it).
    """

    def __init__(self, settings: Settings, store: Callable[[], Store]) -> None:
        self.settings = settings
        self._store = store

    @property
    def store(self) -> Store:
        """Where cases and dead letters go."""
        return self._store()

    @property
    def actor_options(self) -> set[str]:
        """Options actors may set: `max_retries`, `throws` (failures logged without a
        traceback, as dramatiq's own Retries middleware allows) and `subject` (a `SubjectOf`)."""
        return {"max_retries", "throws", "subject"}

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        """Retry, park, dead-letter or open a case for a failed message."""
        if exception is None:
            return
        settings = self.settings
        actor = broker.get_actor(message.actor_name)
        max_retries = int(actor.options.get("max_retries", settings.job_max_retries))
        retries = int(message.options.get("retries", 0))
        category, retry = classify(exception)
        if isinstance(exception, RunBusy):
            log.info(
                "%s waits %d ms for a run lock: %s",
                message.actor_name,
                exception.retry_after_ms,
                exception,
            )
            self._requeued(actor, message, exception.retry_after_ms)
            _requeue(broker, message, exception.retry_after_ms)
            return
        if isinstance(exception, RateLimited):
            delay = int(exception.retry_after * 1000)
            if exception.scope == "day":
                self._case(actor, message, exception, retries)
                log.warning(
                    "parking %s for %d s: daily budget spent", message.actor_name, delay // 1000
                )
            self._requeued(actor, message, delay)
            _requeue(broker, message, delay)
            return
        if retry and retries < max_retries:
            message.options["retries"] = retries + 1
            _, delay = compute_backoff(
                retries + 1,
                factor=settings.job_min_backoff_ms,
                max_backoff=settings.job_max_backoff_ms,
            )
            log.info(
                "retrying %s in %d ms after %s (attempt %d of %d)",
                message.actor_name,
                delay,
                type(exception).__name__,
                retries + 1,
                max_retries,
            )
            self._requeued(actor, message, delay)
            _requeue(broker, message, delay)
            return
        message.fail()
        subject = self._subject(actor, message)
        if subject.on_give_up is not None:
            try:
                subject.on_give_up(exception)
            except Exception:
                log.exception("could not mark %s as given up", message.actor_name)
        case_id = self._case(actor, message, exception, retries + 1, gave_up=retry)
        if retry:
            self.store.dead_letters.add(
                message_id=message.message_id,
                actor=message.actor_name,
                queue=message.queue_name,
                args=list(message.args),
                kwargs=dict(message.kwargs),
                error=f"{type(exception).__name__}: {exception}",
                case_id=case_id,
            )
            log.error(
                "dead-lettered %s after %d attempts: %s", message.actor_name, retries + 1, exception
            )
        else:
            log.warning("%s failed for good (%s): %s", message.actor_name, category, exception)

    def _requeued(self, actor: Actor[..., Any], message: MessageProxy, delay_ms: int) -> None:
        subject: SubjectOf | None = actor.options.get("subject")
        if subject is None:
            return
        try:
            found = subject(dict(message.kwargs), self.store, self.settings)
            if found.on_requeue is not None:
                found.on_requeue(delay_ms)
        except Exception:  # the store may be what failed; the job comes back regardless
            log.warning("could not extend the lease of %s", message.actor_name, exc_info=True)

    def _subject(self, actor: Actor[..., Any], message: MessageProxy) -> JobSubject:
        describe: SubjectOf | None = actor.options.get("subject")
        if describe is not None:
            try:
                return describe(dict(message.kwargs), self.store, self.settings)
            except Exception:
                # A message about something that does not exist (or a store that is away):
                # still dead-lettered and a case, just without its subject.
                log.exception("could not tell what %s is about", message.actor_name)
        return JobSubject(None, None, JOB_REF, message.actor_name)

    def _case(
        self,
        actor: Actor[..., Any],
        message: MessageProxy,
        exc: BaseException,
        attempts: int,
        *,
        gave_up: bool = False,
    ) -> str | None:
        from hub.store.cases import GAVE_UP_ACTION

        subject = self._subject(actor, message)
        try:
            cases = self.store.cases
        except Exception:  # the store itself may be the thing that failed
            log.exception("could not record the failure of %s", message.actor_name)
            return None
        action = GAVE_UP_ACTION if gave_up else None
        try:
            if isinstance(exc, ConnectorError):
                view = cases.open_from_error(
                    exc,
                    connection_id=subject.connection_id,
                    object_name=subject.object_name,
                    source=subject.source,
                    record_ref=subject.record_ref,
                    attempts=attempts,
                    action=action,
                )
            else:
                view = cases.open_or_bump(
                    connection_id=subject.connection_id,
                    object_name=subject.object_name,
                    category="internal",
                    cause=f"{type(exc).__name__}: {exc}",
                    source=subject.source,
                    record_ref=subject.record_ref,
                    attempts=attempts,
                    action=action,
                )
        except Exception:  # the store itself may be the thing that failed
            log.exception("could not record the failure of %s", message.actor_name)
            return None
        return view.id
