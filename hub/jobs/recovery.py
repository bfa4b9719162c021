"""Acting on failures: retry an exception case's jobs, replay dead-lettered jobs.

Shared by `hub exceptions retry`, `hub dlq replay` and the API's `/v1/exceptions/{id}/retry`
and `/v1/dead-letters/.../replay`, so a person and a platform get the same behaviour.
"""

from __future__ import annotations

from hub.jobs.runtime import Runtime
from hub.store import JOB_REF, DeadLetterView


def retry_case(runtime: Runtime, case_id: str, correlation_id: str | None = None) -> int:
    """Re-enqueue the jobs of a case's open records; the number of jobs sent."""
    from hub.jobs.enqueue import enqueue_write, sync_sender
    from hub.jobs.scheduler import enqueue_sync

    case, refs = runtime.store.cases.retry_refs(case_id)
    count = 0
    for ref in refs:
        if case.source == "write" and ref.startswith("wrq_"):
            runtime.store.writes.retry(ref)
            enqueue_write(runtime, ref)
            count += 1
        elif case.connection_id and case.object and (case.source == "sync" or ref == JOB_REF):
            sent = enqueue_sync(
                runtime,
                case.connection_id,
                case.object,
                sync_sender(runtime),
                correlation_id=correlation_id,
            )
            if sent:
                count += 1
            break  # one sync re-reads every record of the resource
    return count


def replay_dead_letter(runtime: Runtime, row: DeadLetterView) -> None:
    """Send a dead-lettered job again (a write request is reopened first) and mark it replayed."""
    import dramatiq
    from dramatiq.common import q_name

    queue = q_name(row.queue)  # a job that died while delayed names the delay queue
    if row.actor == "write":
        runtime.store.writes.retry(str(row.message_kwargs.get("request_id")))
    broker = runtime.broker
    broker.declare_queue(queue)
    broker.enqueue(
        dramatiq.Message(
            queue_name=queue,
            actor_name=row.actor,
            args=tuple(row.message_args),
            kwargs=row.message_kwargs,
            options={},
        )
    )
    runtime.store.dead_letters.mark_replayed(row.id)


def dead_letter_connection(runtime: Runtime, row: DeadLetterView) -> str | None:
    """The connection a dead job worked for (None for the hub's own jobs)."""
    kwargs = row.message_kwargs
    if isinstance(kwargs.get("connection_id"), str):
        return str(kwargs["connection_id"])
    request_id = kwargs.get("request_id")
    if isinstance(request_id, str):
        try:
            return runtime.store.writes.get(request_id).connection_id
        except LookupError:
            return None
    return None
