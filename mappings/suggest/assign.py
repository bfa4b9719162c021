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
    """One-to-one assignment within each record context: greedy, then improving exchanges.

    Fields are served strongest first (by their best target's probability). A field that lost
    its target to a stronger one may then take it back when the stronger field has another
    free option and the exchange raises the joint probability of the two outcomes: `p_w(t) *
    p_d(fallback) < p_w(other) * p_d(t)` (Zoho's `reference_number` is more likely the
    reference than the number once `bill_number` wants the number). Fixed fields never move.
    """
    claimed: dict[tuple[str, str], int] = {}
    chosen: dict[int, tuple[str | None, float]] = {}
    by_index = {f.index: f for f in fields}
    for f in fields:
        if f.is_fixed:
            chosen[f.index] = (f.fixed, 1.0)
            if f.fixed is not None:
                claimed[(f.group, f.fixed)] = f.index

    def strength(f: Ranked) -> float:
        """A field's best target probability: the order fields are served in."""
        return max((p for t, p in f.options if t is not None), default=0.0)

    for f in sorted((f for f in fields if not f.is_fixed), key=strength, reverse=True):
        available = [(t, p) for t, p in f.options if t is None or (f.group, t) not in claimed]
        target, p = max(available, key=lambda tp: tp[1]) if available else (None, 1.0)
        if target is not None:
            claimed[(f.group, target)] = f.index
        chosen[f.index] = (target, p)

    for _ in range(len(fields)):
        if not _exchange_once(fields, by_index, claimed, chosen):
            break

    out: list[Assigned] = []
    for f in sorted(fields, key=lambda f: f.index):
        target, p = chosen[f.index]
        if f.is_fixed:
            out.append(Assigned(target, p))
            continue
        probs = dict(f.options)
        # Only the targets that would have beaten the outcome count as lost.
        lost = {
            t: claimed[(f.group, t)]
            for t, q in f.options
            if t is not None and q > p and claimed.get((f.group, t), f.index) != f.index
        }
        top = max(f.options, key=lambda tp: tp[1])[0] if f.options else None
        # The share stays the option's own probability: a target taken by another field does not
        # make the fallback more likely to be right (calibration sees the same raw figure).
        displaced = top is not None and top != target and top in lost
        out.append(Assigned(target, probs.get(target, p), lost, displaced))
    return out


def _exchange_once(
    fields: Sequence[Ranked],
    by_index: dict[int, Ranked],
    claimed: dict[tuple[str, str], int],
    chosen: dict[int, tuple[str | None, float]],
) -> bool:
    """Make the best improving exchange between a field and the holder of its better target."""
    best: tuple[float, Ranked, str, Ranked, str | None, float] | None = None
    for d in fields:
        if d.is_fixed:
            continue
        _, p_d = chosen[d.index]
        for t, q_d in d.options:
            holder = claimed.get((d.group, t)) if t is not None else None
            if t is None or q_d <= p_d or holder is None or holder == d.index:
                continue
            w = by_index[holder]
            if w.is_fixed:
                continue
            _, p_w = chosen[w.index]
            free = [
                (u, q)
                for u, q in w.options
                if u != t and (u is None or claimed.get((w.group, u), d.index) == d.index)
            ]
            if not free:
                continue
            u, q_w = max(free, key=lambda uq: uq[1])
            gain = q_w * q_d - p_w * p_d
            if gain > 1e-12 and (best is None or gain > best[0]):
                best = (gain, d, t, w, u, q_w)
    if best is None:
        return False
    _, d, t, w, u, q_w = best
    old_d, _ = chosen[d.index]
    if old_d is not None:
        del claimed[(d.group, old_d)]
    claimed[(d.group, t)] = d.index
    chosen[d.index] = (t, dict(d.options)[t])
    if u is not None:
        claimed[(w.group, u)] = w.index
    chosen[w.index] = (u, q_w)
    return True
