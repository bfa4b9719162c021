"""Calibration: Platt scaling, the constant fallback, and the expected calibration error."""

import math
import random

from mappings.suggest.features import N_FEATURES
from mappings.suggest.model import (
    Example,
    expected_calibration_error,
    fit_calibration,
    fit_constant,
    fit_platt,
    fit_weights,
    platt,
)


def test_ece_is_zero_for_perfect_calibration_and_large_for_overconfidence() -> None:
    perfect = [(0.75, True), (0.75, True), (0.75, True), (0.75, False)]
    assert expected_calibration_error(perfect) == 0.0
    over = [(0.95, False)] * 5 + [(0.95, True)] * 5
    assert abs(expected_calibration_error(over) - 0.45) < 1e-9
    assert expected_calibration_error([]) == 0.0


def test_platt_scaling_repairs_an_overconfident_model() -> None:
    rng = random.Random(1)
    pairs = []
    for _ in range(2000):
        p = rng.uniform(0.5, 0.999)
        # the truth is much less sure than the model: odds are the square root of the claimed
        truth = 1 / (1 + math.sqrt((1 - p) / p))
        pairs.append((p, rng.random() < truth))
    before = expected_calibration_error(pairs)
    ab = fit_platt(pairs)
    after = expected_calibration_error([(platt(p, ab), y) for p, y in pairs])
    assert before > 0.08
    assert after < 0.03


def test_few_outcomes_get_a_constant_confidence() -> None:
    pairs = [(0.99, True), (0.99, False), (0.5, True)]
    a, b = fit_platt(pairs)
    assert a == 0.0
    assert abs(platt(0.2, (a, b)) - 0.6) < 1e-9
    assert fit_constant([]) == (0.0, 0.0)


def test_a_weighted_constant_does_not_depend_on_the_weights_scale() -> None:
    # 40 outcomes, 36 right: per-system weights of 1/fields (summing to well under one) must
    # give the same constant as unit weights, not one pulled towards 0.5 by the smoothing
    pairs = [(0.6, True)] * 36 + [(0.6, False)] * 4
    unit = platt(0.6, fit_constant(pairs))
    tiny = platt(0.6, fit_constant(pairs, [1 / 700] * len(pairs)))
    assert abs(unit - 37 / 42) < 1e-9
    assert abs(tiny - unit) < 1e-9
    # the weights still set each outcome's say: the wrong ones weighing more lowers it
    skewed = platt(0.6, fit_constant(pairs, [1.0] * 36 + [9.0] * 4))
    assert skewed < 0.6


def test_fitted_weights_rank_the_labelled_option_first() -> None:
    # option features: [name, ...]; the right option always has the better name match
    rng = random.Random(3)
    examples = []
    for _ in range(200):
        good = rng.uniform(0.6, 1.0)
        bad = rng.uniform(0.0, 0.5)
        n = N_FEATURES
        examples.append(Example([[good] + [0.0] * (n - 1), [bad] + [0.0] * (n - 1)], 0))
    w = fit_weights(examples, epochs=5)
    assert w[0] > 0


def test_fitted_weights_keep_their_known_signs() -> None:
    from mappings.suggest.features import SIGNS
    from mappings.suggest.model import Weights

    weights = Weights.shipped().weights
    for w, sign in zip(weights, SIGNS, strict=True):
        assert w * sign >= 0


def test_calibration_weighs_every_system_alike_when_told() -> None:
    # a big system whose 0.9-confident answers are always right, a small one where half are
    big = [(0.9, 0.0, True)] * 900
    small = [(0.9, 0.0, i % 2 == 0) for i in range(100)]
    rows = big + small
    pooled = fit_calibration(rows)
    per_system = fit_calibration(rows, [1 / 900] * 900 + [1 / 100] * 100)
    p_pooled = platt(0.9, pooled)
    p_per_system = platt(0.9, per_system)
    assert p_pooled > 0.9  # dominated by the big system
    assert 0.6 < p_per_system < 0.85  # each system counts once: (1.0 + 0.5) / 2


def test_unknown_words_can_lower_confidence_but_never_raise_it() -> None:
    rng = random.Random(5)
    # names the engine cannot read (u=1) are right less often than their raw share says
    lowering = [(0.9, 1.0, rng.random() < 0.6) for _ in range(400)]
    lowering += [(0.9, 0.0, rng.random() < 0.9) for _ in range(400)]
    a, b, c = fit_calibration(lowering)
    assert c < -0.5
    assert platt(0.9, (a, b, c), unknown=1.0) < platt(0.9, (a, b, c), unknown=0.0)
    # where unknown names are right *more* often, c stays 0: the engine is never surer for
    # what it cannot read
    raising = [(0.6, 1.0, rng.random() < 0.95) for _ in range(400)]
    raising += [(0.6, 0.0, rng.random() < 0.6) for _ in range(400)]
    assert fit_calibration(raising)[2] == 0.0
