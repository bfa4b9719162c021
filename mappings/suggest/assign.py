"""One-to-one assignment across an object's fields.

Two fields of the same record context (top level, or the same source list) should not both claim
one canonical path. Fields are served strongest first; a field whose best target is already taken
falls back to its next option (or to "no counterpart") and keeps the taken target as an
alternative. Fields in different source lists (NetSuite's `expense` and `item` lines) may share a
target: both are invoice lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Ranked:
    """One field's options before assignment: (target or None, probability), best first."""

    index: int
    group: str
    options: list[tuple[str | None, float]]
    fixed: str | None = None
    is_fixed: bool = False


@dataclass
class Assigned:
    """The outcome for one field."""

    target: str | None
    share: float
    lost_to: dict[str, int] = field(default_factory=dict)
    displaced: bool = False


def assign(fields: Sequence[Ranked]) -> list[Assigned]:
    """Greedy maximum-probability one-to-one assignment within each record context."""
    claimed: dict[tuple[str, str], int] = {}
    out: list[Assigned | None] = [None] * len(fields)
    for f in fields:
        if f.is_fixed:
            out[f.index] = Assigned(f.fixed, 1.0)
            if f.fixed is not None:
                claimed[(f.group, f.fixed)] = f.index

    def strength(f: Ranked) -> float:
        """A field's best target probability: the order fields are served in."""
        return max((p for t, p in f.options if t is not None), default=0.0)

    for f in sorted((f for f in fields if not f.is_fixed), key=strength, reverse=True):
        lost: dict[str, int] = {}
        available: list[tuple[str | None, float]] = []
        for target, p in f.options:
            if target is not None and (f.group, target) in claimed:
                lost[target] = claimed[(f.group, target)]
            else:
                available.append((target, p))
        target, p = max(available, key=lambda tp: tp[1]) if available else (None, 1.0)
        if target is not None:
            claimed[(f.group, target)] = f.index
        # Only the targets that would have beaten the outcome count as lost.
        better = {t: i for t, i in lost.items() if dict(f.options).get(t, 0.0) > p}
        top = max(f.options, key=lambda tp: tp[1])[0] if f.options else None
        # The share stays the option's own probability: a target taken by another field does not
        # make the fallback more likely to be right (calibration sees the same raw figure).
        out[f.index] = Assigned(target, p, better, top is not None and top in lost)
    return [a if a is not None else Assigned(None, 1.0) for a in out]
