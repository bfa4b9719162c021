"""Prior decisions: (source, target) pairs a reviewer accepted or rejected before.

An accepted pair comes back with high confidence and claims its target; a rejected pair is never
proposed again. Accepting `target=None` records that a field has no counterpart. Persisting
decisions per tenant belongs to the later mappings work; `DecisionSet.from_json` reads the file
the CLI takes (`--decisions FILE`).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, TypeAdapter

ACCEPTED_CONFIDENCE = 0.99


class Decision(BaseModel):
    """One reviewer decision on a (source path, canonical path) pair."""

    model_config = ConfigDict(frozen=True)

    source: str
    target: str | None
    accepted: bool


_DECISIONS = TypeAdapter(list[Decision])


class DecisionSet:
    """Decisions indexed by source path; the last decision on a pair wins."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self._accepted: dict[str, str | None] = {}
        self._rejected: dict[str, set[str | None]] = {}
        for d in decisions:
            self.add(d)

    def add(self, decision: Decision) -> None:
        """Record one decision (a later one overrides an earlier one on the same pair)."""
        rejected = self._rejected.setdefault(decision.source, set())
        if decision.accepted:
            self._accepted[decision.source] = decision.target
            rejected.discard(decision.target)
        else:
            rejected.add(decision.target)
            if self._accepted.get(decision.source, "\0") == decision.target:
                del self._accepted[decision.source]

    def accepted(self, source: str) -> tuple[bool, str | None]:
        """(True, target) when a target (or None) was accepted for `source`."""
        if source in self._accepted:
            return True, self._accepted[source]
        return False, None

    def rejected(self, source: str, target: str | None) -> bool:
        """True when the pair was rejected."""
        return target in self._rejected.get(source, set())

    def __len__(self) -> int:
        return len(self._accepted) + sum(len(v) for v in self._rejected.values())

    @classmethod
    def from_json(cls, text: str | bytes) -> DecisionSet:
        """Read `[{"source", "target", "accepted"}]` (raises pydantic.ValidationError)."""
        return cls(_DECISIONS.validate_json(text))
