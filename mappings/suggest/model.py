"""The scoring model: a conditional logit over one field's options, and its calibration.

Each option (a canonical path, or "no counterpart") gets the score `w . x`; a softmax over the
field's options turns scores into probabilities. The weights are fitted on labelled field lists by
stochastic gradient descent (pure Python, a few seconds). Confidence is then calibrated with Platt
scaling, separately for proposed targets and for abstentions, on predictions for systems the
weights were not fitted on.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mappings.suggest.features import FEATURES, N_FEATURES, SIGNS

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass
class Example:
    """One labelled field: its options' feature vectors and the index of the right option."""

    options: list[list[float]]
    gold: int
    weight: float = 1.0


def softmax(scores: Sequence[float]) -> list[float]:
    """Numerically stable softmax."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def dot(w: Sequence[float], x: Sequence[float]) -> float:
    """Inner product."""
    return sum(a * b for a, b in zip(w, x, strict=True))


def fit_weights(
    examples: Sequence[Example], epochs: int = 30, l2: float = 1e-3, lr: float = 0.3, seed: int = 7
) -> list[float]:
    """Fit the conditional-logit weights by SGD with a decaying step (deterministic)."""
    w = [0.0] * N_FEATURES
    order = list(range(len(examples)))
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    step = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            ex = examples[i]
            probs = softmax([dot(w, x) for x in ex.options])
            rate = ex.weight * lr / (1.0 + 0.002 * step)
            step += 1
            grad = [0.0] * N_FEATURES
            for p, x in zip(probs, ex.options, strict=True):
                for k, v in enumerate(x):
                    if v:
                        grad[k] += p * v
            gold = ex.options[ex.gold]
            for k in range(N_FEATURES):
                v = w[k] - rate * (grad[k] - gold[k] + l2 * w[k])
                w[k] = max(v, 0.0) if SIGNS[k] > 0 else min(v, 0.0) if SIGNS[k] < 0 else v
    return w


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_constant(pairs: Sequence[tuple[float, bool]]) -> tuple[float, float]:
    """A constant confidence (a=0): the smoothed share of correct outcomes."""
    hits = sum(1 for _, y in pairs if y)
    return 0.0, _logit((hits + 1) / (len(pairs) + 2))


def fit_platt(
    pairs: Sequence[tuple[float, bool]], iters: int = 300, prior: float = 2.0
) -> tuple[float, float]:
    """Platt scaling `sigmoid(a * logit(p) + b)` fitted by Newton's method.

    A Gaussian prior pulls (a, b) towards (1, 0), the identity, so that a handful of separable
    outcomes cannot drive the slope to infinity. With fewer than 50 outcomes a slope cannot be
    trusted at all; a constant is fitted instead.
    """
    if len(pairs) < 50:
        return fit_constant(pairs)
    a, b = 1.0, 0.0
    xs = [_logit(p) for p, _ in pairs]
    ys = [1.0 if y else 0.0 for _, y in pairs]
    for _ in range(iters):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            q = _sigmoid(a * x + b)
            d = q - y
            h = q * (1 - q) + 1e-9
            ga += d * x
            gb += d
            haa += h * x * x
            hab += h * x
            hbb += h
        ga += prior * (a - 1.0)
        gb += prior * b
        haa += prior
        hbb += prior
        det = haa * hbb - hab * hab
        if abs(det) < 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-8:
            break
    return a, b


def platt(p: float, ab: tuple[float, float]) -> float:
    """Apply Platt scaling to a probability."""
    return _sigmoid(ab[0] * _logit(p) + ab[1])


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """ECE over equal-width confidence bins: the weighted mean |accuracy - confidence|."""
    if not pairs:
        return 0.0
    buckets: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, y in pairs:
        buckets[min(int(p * bins), bins - 1)].append((p, y))
    total = 0.0
    for bucket in buckets:
        if bucket:
            conf = sum(p for p, _ in bucket) / len(bucket)
            acc = sum(1 for _, y in bucket if y) / len(bucket)
            total += len(bucket) * abs(acc - conf)
    return total / len(pairs)


@dataclass
class Weights:
    """Fitted weights and calibration, as shipped in `weights.json`."""

    weights: list[float]
    target_calibration: tuple[float, float] = (1.0, 0.0)
    null_calibration: tuple[float, float] = (1.0, 0.0)
    displaced_calibration: tuple[float, float] = (1.0, 0.0)
    trained_on: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """Serialise with feature names so a stale file is detected on load."""
        return (
            json.dumps(
                {
                    "features": list(FEATURES),
                    "weights": [round(v, 6) for v in self.weights],
                    "target_calibration": [round(v, 6) for v in self.target_calibration],
                    "null_calibration": [round(v, 6) for v in self.null_calibration],
                    "displaced_calibration": [round(v, 6) for v in self.displaced_calibration],
                    "trained_on": self.trained_on,
                },
                indent=1,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> Weights:
        """Load weights written by `to_json`; refuses a file made for other features."""
        data = json.loads(text)
        if list(data["features"]) != list(FEATURES):
            raise ValueError("weights.json was fitted for another feature set; run the trainer")
        tc, nc = data["target_calibration"], data["null_calibration"]
        dc = data["displaced_calibration"]
        return cls(
            [float(v) for v in data["weights"]],
            (float(tc[0]), float(tc[1])),
            (float(nc[0]), float(nc[1])),
            (float(dc[0]), float(dc[1])),
            list(data.get("trained_on", [])),
        )

    @classmethod
    def shipped(cls) -> Weights:
        """The weights that ship with the package."""
        return cls.from_json(WEIGHTS_FILE.read_text(encoding="utf-8"))
