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
    """Fit the conditional-logit weights by SGD with a decaying step (deterministic).

    Options are kept sparse (most features of an option are zero), which makes a pass over a few
    thousand fields take well under a second.
    """
    w = [0.0] * N_FEATURES
    sparse = [[[(k, v) for k, v in enumerate(x) if v] for x in ex.options] for ex in examples]
    order = list(range(len(examples)))
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    step = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            ex = examples[i]
            opts = sparse[i]
            scores = [sum(w[k] * v for k, v in x) for x in opts]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            rate = ex.weight * lr / (1.0 + 0.002 * step)
            step += 1
            grad = [0.0] * N_FEATURES
            for e, x in zip(exps, opts, strict=True):
                p = e / total
                for k, v in x:
                    grad[k] += p * v
            for k, v in opts[ex.gold]:
                grad[k] -= v
            for k in range(N_FEATURES):
                nv = w[k] - rate * (grad[k] + l2 * w[k])
                w[k] = max(nv, 0.0) if SIGNS[k] > 0 else min(nv, 0.0) if SIGNS[k] < 0 else nv
    return w


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


Calibration = tuple[float, float, float]
"""Calibration parameters (a, b, c): `sigmoid(a * logit(p) + b + c * u)`.

`p` is the model's raw share for the outcome and `u` the share of the field's name the lexicon
cannot read (out-of-vocabulary words). `c` is fitted like the rest but never above 0: an unknown
word can lower the confidence of a decision, never raise it.
"""

IDENTITY: Calibration = (1.0, 0.0, 0.0)


def fit_constant(
    pairs: Sequence[tuple[float, bool]], weights: Sequence[float] | None = None
) -> tuple[float, float]:
    """A constant confidence (a=0): the smoothed (weighted) share of correct outcomes.

    The weights only set the outcomes' relative say: they are scaled to sum to the number of
    outcomes, so that the add-one smoothing weighs one outcome whatever the weights' scale (per
    system weights of 1/fields would otherwise sum to well under one and leave the smoothing
    to pull every constant to 0.5).
    """
    ws = list(weights) if weights is not None else [1.0] * len(pairs)
    scale = len(pairs) / (sum(ws) or 1.0)
    ws = [w * scale for w in ws]
    hits = sum(w for (_, y), w in zip(pairs, ws, strict=True) if y)
    total = sum(ws)
    return 0.0, _logit((hits + 1) / (total + 2))


def fit_platt(
    pairs: Sequence[tuple[float, bool]], iters: int = 300, prior: float = 2.0
) -> tuple[float, float]:
    """Platt scaling `sigmoid(a * logit(p) + b)` fitted by Newton's method.

    A Gaussian prior pulls (a, b) towards (1, 0), the identity, so that a handful of separable
    outcomes cannot drive the slope to infinity. With fewer than 50 outcomes a slope cannot be
    trusted at all; a constant is fitted instead.
    """
    a, b, _ = fit_calibration([(p, 0.0, y) for p, y in pairs], iters=iters, prior=prior)
    return a, b


def fit_calibration(
    rows: Sequence[tuple[float, float, bool]],
    weights: Sequence[float] | None = None,
    iters: int = 300,
    prior: float = 2.0,
) -> Calibration:
    """Fit `sigmoid(a * logit(p) + b + c * u)` to (p, u, right) outcomes by Newton's method.

    `weights` weigh each outcome (the trainer gives every system the same total weight, so that
    the calibration is not the calibration of the system with the most fields). A Gaussian prior
    pulls (a, b, c) towards the identity (1, 0, 0). Fewer than 50 outcomes get a constant.
    """
    ws = list(weights) if weights is not None else [1.0] * len(rows)
    if len(rows) < 50:
        _, b = fit_constant([(p, y) for p, _, y in rows], ws)
        return 0.0, b, 0.0
    scale = len(rows) / (sum(ws) or 1.0)
    ws = [w * scale for w in ws]
    theta = _newton(rows, ws, iters, prior, use_unknown=True)
    if theta[2] > 0.0:
        # Prior knowledge, like the features' signs: what the engine cannot read never makes it
        # surer. Where the data would have it otherwise, `c` stays 0.
        theta = _newton(rows, ws, iters, prior, use_unknown=False)
    return theta[0], theta[1], theta[2]


def _newton(
    rows: Sequence[tuple[float, float, bool]],
    ws: Sequence[float],
    iters: int,
    prior: float,
    use_unknown: bool,
) -> list[float]:
    theta = [1.0, 0.0, 0.0]
    xs = [(_logit(p), 1.0, u if use_unknown else 0.0) for p, u, _ in rows]
    ys = [1.0 if y else 0.0 for _, _, y in rows]
    centre = IDENTITY
    for _ in range(iters):
        g = [prior * (theta[i] - centre[i]) for i in range(3)]
        h = [[prior if i == j else 0.0 for j in range(3)] for i in range(3)]
        for x, y, wt in zip(xs, ys, ws, strict=True):
            q = _sigmoid(theta[0] * x[0] + theta[1] + theta[2] * x[2])
            d = (q - y) * wt
            hw = (q * (1 - q) + 1e-9) * wt
            for i in range(3):
                g[i] += d * x[i]
                for j in range(3):
                    h[i][j] += hw * x[i] * x[j]
        step = _solve3(h, g)
        if step is None:
            break
        theta = [theta[i] - step[i] for i in range(3)]
        if sum(abs(v) for v in step) < 1e-8:
            break
    return theta


def _solve3(h: list[list[float]], g: list[float]) -> list[float] | None:
    """Solve the 3x3 system h x = g (Cramer's rule); None when singular."""

    def det(m: list[list[float]]) -> float:
        return (
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        )

    d = det(h)
    if abs(d) < 1e-12:
        return None
    out = []
    for col in range(3):
        m = [[g[r] if c == col else h[r][c] for c in range(3)] for r in range(3)]
        out.append(det(m) / d)
    return out


def platt(p: float, ab: tuple[float, ...], unknown: float = 0.0) -> float:
    """Apply the calibration to a raw share (and the field's out-of-vocabulary share)."""
    c = ab[2] if len(ab) > 2 else 0.0
    return _sigmoid(ab[0] * _logit(p) + ab[1] + c * unknown)


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
    target_calibration: Calibration = IDENTITY
    null_calibration: Calibration = IDENTITY
    displaced_calibration: Calibration = IDENTITY
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
        return cls(
            [float(v) for v in data["weights"]],
            _calibration(data["target_calibration"]),
            _calibration(data["null_calibration"]),
            _calibration(data["displaced_calibration"]),
            list(data.get("trained_on", [])),
        )

    @classmethod
    def shipped(cls) -> Weights:
        """The weights that ship with the package."""
        return cls.from_json(WEIGHTS_FILE.read_text(encoding="utf-8"))


def _calibration(values: Sequence[float]) -> Calibration:
    """Calibration parameters from JSON (an older two-parameter file has no `c`)."""
    vals = [float(v) for v in values] + [0.0] * (3 - len(values))
    return vals[0], vals[1], vals[2]
