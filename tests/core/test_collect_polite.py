"""The polite fetcher's spacing and backoff, without a network (fake clock and sleep)."""

from __future__ import annotations

import random

from gapscope.sources.polite import PoliteFetcher


class Clock:
    def __init__(self) -> None:
        self.t = 100.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


def test_backoff_doubles_with_jitter_and_honours_retry_after():
    f = PoliteFetcher(backoff_base=3.0, backoff_max=120.0, rng=random.Random(1))
    waits = [f.backoff(n) for n in range(1, 7)]
    for n, w in enumerate(waits, start=1):
        base = min(3.0 * 2 ** (n - 1), 120.0)
        assert 0.5 * base <= w <= 1.5 * base
    again = PoliteFetcher(backoff_base=3.0, rng=random.Random(2))
    assert [again.backoff(n) for n in range(1, 7)] != waits  # jitter: two clients do not retry in step
    assert f.backoff(1, retry_after="7") == 7.0
    assert f.backoff(1, retry_after="Wed, 21 Oct 2015 07:28:00 GMT") > 0  # a date: our own schedule


def test_requests_are_spaced_by_the_interval(replay_server):
    replay_server.add("/x", b"ok", match={})
    clock = Clock()
    f = PoliteFetcher(min_interval=3.0, sleep=clock.sleep, clock=clock.now)
    for _ in range(3):
        f.get(replay_server.url + "/x")
        clock.t += 0.5  # the response took half a second
    assert clock.slept == [2.5, 2.5] and f.stats.requests == 3
