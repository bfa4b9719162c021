"""The event envelope: every change and every operational fact the hub tells platforms about."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from canonical.base import CanonicalModel
from canonical.enums import EventType
from canonical.ids import check_id, new_id
from canonical.types import UtcDatetime


def _now() -> datetime:
    return datetime.now(UTC)


class Event(CanonicalModel):
    """An event: unique id, type, time, connection, the correlation id of its cause, and data."""

    id: str = Field(default_factory=lambda: new_id("evt"), description="Unique event id.")
    type: EventType = Field(description="What happened, e.g. invoice.updated or sync.completed.")
    occurred_at: UtcDatetime = Field(default_factory=_now, description="When it happened (UTC).")
    connection_id: str | None = Field(None, description="The connection it concerns.")
    correlation_id: str = Field(
        min_length=1, description="Ties the event to the request or sync run that caused it."
    )
    data: dict[str, Any] = Field(
        default_factory=dict, description="The record as it now stands, or the fact's details."
    )

    @field_validator("id")
    @classmethod
    def _check_prefix(cls, value: str) -> str:
        return check_id(value, "evt")

    @property
    def object_name(self) -> str:
        """`invoice` for `invoice.updated`; `sync` for `sync.completed`."""
        return self.type.value.split(".", 1)[0]
