"""app.ratelimit: a limit counted per process and settled with the shared counter (real Redis) in batches."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
import redis

from app.ratelimit import SettledLimit

REDIS_URL = os.environ.get("HOATOC_TEST_REDIS_URL", "redis://127.0.0.1:6379")
NEVER = 3600.0  # a settle interval no test waits for: settlements happen when the test says


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:  # on a minute boundary
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shared() -> str:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


def _hits(limit: SettledLimit, client: str, n: int) -> list[bool]:
    return [limit.hit(client) is None for _ in range(n)]


def test_settling_on_every_hit_is_exact_and_windows_roll_over():
    clock = Clock()
    limit = SettledLimit("3 per minute", "memory://", "t", settle_seconds=0, clock=clock)
    assert _hits(limit, "a", 4) == [True, True, True, False]
    clock.now += 20
    refusal = limit.hit("a")
    assert refusal is not None
    assert refusal.limit == 3
    assert refusal.retry_after(clock.now) == 40
    assert _hits(limit, "b", 1) == [True]  # another client
    clock.now += 40  # the next minute
    assert _hits(limit, "a", 4) == [True, True, True, False]


def test_hosts_share_the_limit_once_they_settle(shared):
    namespace = f"test-{uuid.uuid4().hex}"
    clock = Clock()
    first, second = (
        SettledLimit("10 per minute", shared, namespace, settle_seconds=NEVER, clock=clock) for _ in range(2)
    )
    assert _hits(first, "client", 6) == [True] * 6
    first.settle()
    # The second host has not heard of the first's six yet: it allows what it has not seen counted...
    assert _hits(second, "client", 4) == [True] * 4
    second.settle()  # ...and learns the total (10) when it settles
    assert second.hit("client") is not None
    # The first host still knows 6: one more, then it settles, learns 11 and refuses.
    assert first.hit("client") is None
    first.settle()
    assert first.hit("client") is not None
    assert second.hit("client") is not None
    # The overshoot is bounded by what a host counts between settlements: 11 for a limit of 10.
    keys = redis.Redis.from_url(shared).keys(f"*{namespace}*")
    assert [int(redis.Redis.from_url(shared).get(k)) for k in keys] == [11]


def test_counting_goes_on_when_the_shared_counter_is_away(caplog):
    clock = Clock()
    limit = SettledLimit("3 per minute", "redis://127.0.0.1:1", "t", settle_seconds=NEVER, clock=clock)
    with caplog.at_level(logging.WARNING, logger="app.ratelimit"):
        assert _hits(limit, "a", 2) == [True, True]
        limit.settle()  # fails: the counts stay pending here
        assert _hits(limit, "a", 2) == [True, False]
    assert "unreachable" in caplog.text


def test_ended_windows_are_forgotten_once_settled():
    clock = Clock()
    limit = SettledLimit("3 per minute", "memory://", "t", settle_seconds=NEVER, clock=clock)
    for client in ("a", "b", "c"):
        limit.hit(client)
    clock.now += 61
    limit.hit("a")
    limit.settle()
    assert len(limit._windows) == 1  # only a's current window is left


def test_a_background_settler_shares_counts_without_being_asked(shared):
    import time

    namespace = f"test-{uuid.uuid4().hex}"
    first = SettledLimit("5 per day", shared, namespace, settle_seconds=0.05)
    second = SettledLimit("5 per day", shared, namespace, settle_seconds=0.05)

    def settled(limit: SettledLimit) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if limit._windows and not any(w.pending for w in limit._windows.values()):
                return True
            time.sleep(0.01)
        return False

    assert _hits(first, "c", 5) == [True] * 5
    assert settled(first)
    assert second.hit("c") is None  # the second host has not counted the first's hits yet
    assert settled(second)  # its settler adds its hit and reads the total back: 6
    assert second.hit("c") is not None
