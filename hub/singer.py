"""Singer messages: Ledgerhub's adapters as Singer taps (`hub extract ERP --format singer`).

Streams are canonical objects (`invoice`, `supplier`, ...), each announced by a SCHEMA message
(its canonical JSON Schema, key `id`), then RECORD messages. After every page a STATE message
carries the bookmarks of every resource read so far: `{"bookmarks": {resource: read state}}`.
Given back with `--state`, a run starts from those bookmarks, so Meltano's incremental
replication works as with any tap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from canonical.schema import json_schema


def catalog(objects: Iterable[str]) -> dict[str, Any]:
    """The Singer catalog (`--discover`) of the canonical objects an adapter produces."""
    streams = []
    for name in objects:
        streams.append(
            {
                "tap_stream_id": name,
                "stream": name,
                "schema": json_schema(name),
                "key_properties": ["id"],
                "metadata": [
                    {
                        "breadcrumb": [],
                        "metadata": {
                            "inclusion": "available",
                            "selected": True,
                            "table-key-properties": ["id"],
                            "forced-replication-method": "INCREMENTAL",
                        },
                    }
                ],
            }
        )
    return {"streams": streams}


def read_state(text: str) -> dict[str, str]:
    """Bookmarks from a Singer state document: {resource: cursor}; ValueError if malformed.

    Accepts a STATE message's value (`{"bookmarks": {...}}`) or the message itself.
    """
    try:
        state = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise ValueError(f"--state is not JSON: {exc}") from None
    if isinstance(state, dict) and state.get("type") == "STATE":
        state = state.get("value", {})
    bookmarks = state.get("bookmarks", {}) if isinstance(state, dict) else None
    if not isinstance(bookmarks, dict):
        raise ValueError('--state must be {"bookmarks": {RESOURCE: STATE, ...}}')
    return {str(k): json.dumps(v) for k, v in bookmarks.items() if v is not None}


def selected_streams(text: str) -> set[str]:
    """The streams a Singer catalog selects (a stream without `selected: false` is selected)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    streams = data.get("streams") if isinstance(data, dict) else None
    if not isinstance(streams, list):
        raise ValueError('a catalog is {"streams": [...]}')
    chosen = set()
    for stream in streams:
        top = [m for m in stream.get("metadata", []) if m.get("breadcrumb") == []]
        flags = top[0].get("metadata", {}) if top else {}
        if flags.get("selected", True) is not False:
            chosen.add(str(stream.get("tap_stream_id") or stream.get("stream")))
    return chosen


class SingerWriter:
    """Writes SCHEMA, RECORD and STATE messages, one JSON object per line."""

    def __init__(
        self,
        stream: TextIO,
        bookmarks: dict[str, str] | None = None,
        selected: set[str] | None = None,
    ) -> None:
        self.stream = stream
        self.selected = selected
        self.bookmarks: dict[str, Any] = {k: json.loads(v) for k, v in (bookmarks or {}).items()}
        self.announced: set[str] = set()

    def schema(self, name: str) -> None:
        """Announce a stream (once)."""
        if name in self.announced:
            return
        self.announced.add(name)
        message = {
            "type": "SCHEMA",
            "stream": name,
            "schema": json_schema(name),
            "key_properties": ["id"],
        }
        self.stream.write(json.dumps(message) + "\n")

    def record(self, name: str, body: str) -> None:
        """One RECORD; `body` is the record's JSON already serialised (exact decimals)."""
        if self.selected is not None and name not in self.selected:
            return
        self.schema(name)
        extracted = datetime.now(UTC).isoformat()
        self.stream.write(
            f'{{"type":"RECORD","stream":"{name}","record":{body},'
            f'"time_extracted":"{extracted}"}}\n'
        )

    def state(self, resource: str, cursor: str) -> None:
        """A STATE message with every bookmark so far, `resource`'s moved to `cursor`."""
        self.bookmarks[resource] = json.loads(cursor)
        message = {"type": "STATE", "value": {"bookmarks": self.bookmarks}}
        self.stream.write(json.dumps(message) + "\n")
        self.stream.flush()
