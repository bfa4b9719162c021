"""Fault injection: seeded shares are honoured and reproducible; targeting by method and path."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from connectors.sandbox import FaultConfig, FaultInjector, FaultKind


def draws(config: FaultConfig, n: int, method: str = "GET", path: str = "/api") -> Counter[str]:
    injector = FaultInjector(config)
    return Counter(
        (plan.kind.value if plan.kind else "none")
        for plan in (injector.draw(method, path) for _ in range(n))
    )


def test_shares_are_honoured_within_a_few_percent():
    config = FaultConfig(
        error_rate=0.1,
        unavailable_rate=0.05,
        throttle_rate=0.2,
        drop_rate=0.05,
        malformed_rate=0.05,
        expired_token_rate=0.05,
        seed=11,
    )
    counts = draws(config, 20_000)
    for kind, share in (
        ("error", 0.1),
        ("unavailable", 0.05),
        ("throttle", 0.2),
        ("drop", 0.05),
        ("malformed", 0.05),
        ("expired_token", 0.05),
        ("none", 0.5),
    ):
        assert abs(counts[kind] / 20_000 - share) < 0.012, (kind, counts)


def test_same_seed_gives_the_same_sequence_and_configure_restarts_it():
    config = FaultConfig(error_rate=0.3, slow_rate=0.3, slow_seconds=0.5, seed=3)
    first, second = FaultInjector(config), FaultInjector(config)
    a = [first.draw("GET", "/x") for _ in range(50)]
    assert a == [second.draw("GET", "/x") for _ in range(50)]
    first.configure(config)
    assert a == [first.draw("GET", "/x") for _ in range(50)]
    assert any(p.delay == 0.5 for p in a)
    assert any(p.delay == 0 for p in a)


def test_faults_only_hit_targeted_methods_and_paths():
    config = FaultConfig(error_rate=1.0, methods=("POST",), paths=("/api/Invoices",))
    injector = FaultInjector(config)
    assert injector.draw("GET", "/api/Invoices").kind is None
    assert injector.draw("POST", "/api/Contacts").kind is None
    assert injector.draw("POST", "/api/Invoices/1").kind is FaultKind.ERROR


def test_shares_above_one_are_rejected():
    with pytest.raises(ValidationError):
        FaultConfig(error_rate=0.6, drop_rate=0.6)


def test_clear_stops_all_faults():
    injector = FaultInjector(FaultConfig(error_rate=1.0))
    injector.clear()
    assert injector.draw("GET", "/x").kind is None
