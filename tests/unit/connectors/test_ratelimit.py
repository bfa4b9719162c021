"""The tenant's rate budget, in process and shared through the real Redis on loopback."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from connectors.errors import RateLimited
from connectors.ratelimit import Budget, MemoryRateLimiter, RedisRateLimiter, Window
from tests import services


def send_times(limiter: MemoryRateLimiter | RedisRateLimiter, n: int, key: str) -> list[float]:
    times = []
    for _ in range(n):
        with limiter.slot(key):
            times.append(time.monotonic())
    return times


def max_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def test_memory_limiter_never_exceeds_the_window_and_uses_it_fully() -> None:
    limiter = MemoryRateLimiter(Budget(windows=(Window("minute", 5, 0.5),)))
    start = time.monotonic()
    times = send_times(limiter, 15, "tenant-a")
    elapsed = time.monotonic() - start
    assert max_in_any_window(times, 0.5) <= 5
    # 15 calls at 5 per 0.5 s need just over two windows; much longer means a wasted budget
    assert 1.0 <= elapsed < 1.4


def test_tenants_have_separate_budgets() -> None:
    limiter = MemoryRateLimiter(Budget(windows=(Window("minute", 3, 5.0),)))
    start = time.monotonic()
    send_times(limiter, 3, "tenant-a")
    send_times(limiter, 3, "tenant-b")
    assert time.monotonic() - start < 0.5


def test_concurrency_cap_holds_under_many_threads() -> None:
    limiter = MemoryRateLimiter(Budget(windows=(), concurrency=2))
    inflight = 0
    peak = 0
    lock = threading.Lock()

    def call() -> None:
        nonlocal inflight, peak
        with limiter.slot("t"):
            with lock:
                inflight += 1
                peak = max(peak, inflight)
            time.sleep(0.02)
            with lock:
                inflight -= 1

    threads = [threading.Thread(target=call) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_a_spent_daily_budget_raises_rate_limited_instead_of_waiting() -> None:
    limiter = MemoryRateLimiter(Budget(windows=(Window("day", 2, 86400.0),)))
    send_times(limiter, 2, "t")
    start = time.monotonic()
    with pytest.raises(RateLimited) as info:
        send_times(limiter, 1, "t")
    assert time.monotonic() - start < 0.1
    assert info.value.scope == "day"
    assert info.value.retry_after > 80000


def test_observed_remaining_calls_shrink_the_local_budget() -> None:
    limiter = MemoryRateLimiter(Budget(windows=(Window("minute", 10, 0.4),)))
    limiter.observe("t", {"minute": 1})  # the ERP says others used 9 of the 10
    start = time.monotonic()
    send_times(limiter, 2, "t")
    assert time.monotonic() - start >= 0.35


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(services.redis_url(0))
    client.ping()
    return client


@pytest.mark.integration
def test_redis_limiter_shares_one_budget_between_processes_worth_of_limiters(
    redis_client: redis.Redis,
) -> None:
    budget = Budget(windows=(Window("minute", 6, 0.6),), concurrency=3)
    prefix = f"test:rl:{uuid.uuid4().hex}"
    limiters = [RedisRateLimiter(budget, redis_client, prefix=prefix) for _ in range(3)]
    times: list[float] = []
    lock = threading.Lock()

    def worker(limiter: RedisRateLimiter) -> None:
        for _ in range(6):
            with limiter.slot("tenant"), lock:
                times.append(time.monotonic())

    threads = [threading.Thread(target=worker, args=(lim,)) for lim in limiters]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    times.sort()
    assert len(times) == 18
    assert max_in_any_window(times, 0.6) <= 6
    assert elapsed < 2.2  # 18 calls at 6 per 0.6 s: a little over two windows


@pytest.mark.integration
def test_redis_concurrency_leases_are_released(redis_client: redis.Redis) -> None:
    budget = Budget(windows=(), concurrency=1)
    limiter = RedisRateLimiter(budget, redis_client, prefix=f"test:rl:{uuid.uuid4().hex}")
    for _ in range(5):
        with limiter.slot("t"):
            pass
    start = time.monotonic()
    with limiter.slot("t"):
        pass
    assert time.monotonic() - start < 0.1
