"""The sandbox rate limiter: windows, day budget, concurrency, app budget, Retry-After."""

from __future__ import annotations

from connectors.sandbox import Problem, RateLimiter, RateLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock, **limits: float) -> RateLimiter:
    return RateLimiter(RateLimits(**limits), clock=clock)  # type: ignore[arg-type]


def test_window_limit_refuses_the_call_over_budget_with_retry_after_until_the_oldest_expires():
    clock = Clock()
    rl = limiter(clock, per_window=3, window_seconds=10, concurrent=100)
    for expected_left in (2, 1, 0):
        decision = rl.acquire("t1")
        rl.release("t1")
        assert decision.allowed
        assert decision.window_remaining == expected_left
        clock.now += 1
    refused = rl.acquire("t1")
    assert not refused.allowed
    assert refused.problem is Problem.MINUTE
    assert refused.retry_after == 7  # the first call (t=1000) leaves the window at t=1010
    clock.now = 1010.0
    assert rl.acquire("t1").allowed


def test_refused_calls_do_not_use_budget():
    clock = Clock()
    rl = limiter(clock, per_window=1, window_seconds=5)
    assert rl.acquire("t").allowed
    rl.release("t")
    for _ in range(5):
        assert not rl.acquire("t").allowed
    clock.now += 5
    decision = rl.acquire("t")
    assert decision.allowed
    assert decision.window_remaining == 0


def test_tenants_have_separate_budgets():
    clock = Clock()
    rl = limiter(clock, per_window=1)
    assert rl.acquire("a").allowed
    assert rl.acquire("b").allowed
    assert rl.acquire("a").problem is Problem.MINUTE


def test_day_limit_is_reported_as_day_and_outlasts_the_window():
    clock = Clock()
    rl = limiter(clock, per_window=100, per_day=2, window_seconds=1, day_seconds=50)
    for _ in range(2):
        rl.acquire("t")
        rl.release("t")
        clock.now += 2
    refused = rl.acquire("t")
    assert refused.problem is Problem.DAY
    assert refused.day_remaining == 0
    assert refused.retry_after == 46  # first call at 1000, day ends at 1050, now 1004
    clock.now = 1050.0
    assert rl.acquire("t").allowed


def test_concurrency_limit_counts_calls_in_flight_until_released():
    rl = limiter(Clock(), concurrent=2)
    assert rl.acquire("t").allowed
    assert rl.acquire("t").allowed
    refused = rl.acquire("t")
    assert refused.problem is Problem.CONCURRENT
    assert refused.retry_after == 1
    rl.release("t")
    assert rl.acquire("t").allowed
    assert rl.in_flight("t") == 2


def test_app_wide_limit_spans_tenants():
    clock = Clock()
    rl = limiter(clock, per_window=10, app_per_window=3)
    for tenant in ("a", "b", "c"):
        assert rl.acquire(tenant).allowed
    refused = rl.acquire("d")
    assert refused.problem is Problem.APP_MINUTE
    assert refused.app_remaining == 0


def test_reset_forgets_all_counted_calls():
    rl = limiter(Clock(), per_window=1)
    rl.acquire("t")
    rl.reset()
    assert rl.acquire("t").allowed


def test_concurrency_only_limits_calls_in_flight_and_nothing_else():
    limiter = RateLimiter(RateLimits.concurrency_only(2))
    first, second = limiter.acquire("acct"), limiter.acquire("acct")
    assert first.allowed
    assert second.allowed
    third = limiter.acquire("acct")
    assert not third.allowed
    assert third.problem is Problem.CONCURRENT
    limiter.release("acct")
    limiter.release("acct")
    for _ in range(500):  # no window, no day: only what is in flight counts
        assert limiter.acquire("acct").allowed
        limiter.release("acct")
    assert limiter.acquire("acct").window_remaining == -1


def test_a_limiter_that_does_not_enforce_never_refuses_and_reports_budgets_whole():
    limiter = RateLimiter(RateLimits(per_window=2, concurrent=1), enforce=False)
    decisions = [limiter.acquire("t") for _ in range(5)]
    assert all(d.allowed for d in decisions)
    assert {d.window_remaining for d in decisions} == {2}
    assert decisions[-1].in_flight == 5
