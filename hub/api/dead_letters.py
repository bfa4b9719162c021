"""`/v1/dead-letters`: what failed for good, listed and replayable (one, or all since a time).

Two kinds: jobs (a sync or a write that ran out of attempts) and webhook messages (an event an
endpoint did not take through the whole retry schedule). A webhook replay redelivers with the
same `webhook-id`, so a receiver that did get it after all can drop the copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hub.api.deps import Reader, Rt, Writer
from hub.api.deps import tenant_connection_ids as mine
from hub.api.problems import Problem
from hub.api.security import Caller
from hub.jobs.runtime import Runtime
from hub.store import NotFound

router = APIRouter(prefix="/v1/dead-letters", tags=["dead letters"])

Kind = Literal["job", "webhook"]


class DeadLetterOut(BaseModel):
    """A dead job or webhook message."""

    id: str
    kind: Kind
    error: str | None
    created_at: datetime
    replayed_at: datetime | None
    connection_id: str | None = None
    actor: str | None = None
    case_id: str | None = None
    endpoint_id: str | None = None
    webhook_id: str | None = Field(None, description="The `webhook-id` a replay is sent with.")
    event_id: str | None = None
    event_type: str | None = None
    attempts: int | None = None


class DeadLetterList(BaseModel):
    """Dead letters, oldest first."""

    data: list[DeadLetterOut]


class ReplayRange(BaseModel):
    """Which dead letters to replay: everything that died since a time (and before another)."""

    since: datetime
    until: datetime | None = None
    kind: Kind | None = None
    endpoint_id: str | None = None


class Replayed(BaseModel):
    """How many were sent again."""

    replayed: int
    ids: list[str]


def dead_letters(rt: Runtime, caller: Caller, include_replayed: bool) -> list[DeadLetterOut]:
    """The tenant's dead jobs and webhook messages, oldest first."""
    from hub.jobs.recovery import dead_letter_connection

    ids = set(mine(rt, caller))
    found = []
    for row in rt.store.dead_letters.list(include_replayed=include_replayed, limit=10_000):
        connection = dead_letter_connection(rt, row)
        if connection in ids:
            found.append(
                DeadLetterOut(
                    id=row.id,
                    kind="job",
                    error=row.error,
                    created_at=row.created_at,
                    replayed_at=row.replayed_at,
                    connection_id=connection,
                    actor=row.actor,
                    case_id=row.case_id,
                )
            )
    for message in rt.store.webhooks.dead_messages(caller.tenant_id, include_replayed):
        found.append(
            DeadLetterOut(
                id=message.id,
                kind="webhook",
                error=message.last_error,
                created_at=message.finished_at or message.created_at,
                replayed_at=message.replayed_at,
                endpoint_id=message.endpoint_id,
                webhook_id=message.id,
                event_id=message.event_id,
                event_type=message.event_type,
                attempts=message.attempts,
            )
        )
    return sorted(found, key=lambda d: (d.created_at, d.id))


def _replay(rt: Runtime, caller: Caller, letter: DeadLetterOut) -> None:
    from hub.jobs.recovery import replay_dead_letter

    if letter.kind == "job":
        replay_dead_letter(rt, rt.store.dead_letters.get(letter.id))
    else:
        from hub.webhooks.delivery import replay_message

        replay_message(rt, caller.tenant_id, letter.id)


@router.get("", summary="List dead letters")
def list_dead_letters(
    rt: Rt,
    caller: Reader,
    kind: Kind | None = None,
    include_replayed: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeadLetterList:
    """Dead jobs and webhook messages of the tenant, oldest first."""
    rows = [d for d in dead_letters(rt, caller, include_replayed) if kind in (None, d.kind)]
    return DeadLetterList(data=rows[:limit])


@router.post("/replay", status_code=202, summary="Replay dead letters since a time")
def replay_range(body: ReplayRange, rt: Rt, caller: Writer) -> Replayed:
    """Send again everything that died in [since, until) (not yet replayed)."""
    chosen = [
        d
        for d in dead_letters(rt, caller, include_replayed=False)
        if d.created_at >= body.since
        and (body.until is None or d.created_at < body.until)
        and body.kind in (None, d.kind)
        and body.endpoint_id in (None, d.endpoint_id)
    ]
    for letter in chosen:
        _replay(rt, caller, letter)
    return Replayed(replayed=len(chosen), ids=[d.id for d in chosen])


@router.post("/{dead_letter_id}/replay", status_code=202, summary="Replay one dead letter")
def replay_one(dead_letter_id: str, rt: Rt, caller: Writer) -> Replayed:
    """Send one dead job or webhook message again (a webhook keeps its `webhook-id`)."""
    found = [d for d in dead_letters(rt, caller, True) if d.id == dead_letter_id]
    if not found:
        raise Problem(404, f"no dead letter {dead_letter_id}")
    try:
        _replay(rt, caller, found[0])
    except NotFound:
        raise Problem(404, f"no dead letter {dead_letter_id}") from None
    return Replayed(replayed=1, ids=[dead_letter_id])
