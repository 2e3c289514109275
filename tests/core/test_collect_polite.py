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


def test_an_address_that_cannot_be_fetched_fails_at_once_and_a_redirect_loop_is_given_up(replay_server):
    """A wrong endpoint setting is a FetchError without retries; a redirect loop is retried, then given up
    (neither escapes as a requests exception)."""
    import pytest

    from gapscope.sources.polite import FetchError

    clock = Clock()
    f = PoliteFetcher(min_interval=0, max_retries=2, sleep=clock.sleep, clock=clock.now)
    for bad in ("ftp://example.org/works", "api.openalex.org/works", "http://"):
        with pytest.raises(FetchError, match="not a URL that can be fetched"):
            f.get(bad)
    assert f.stats.retries == 0
    from tests.replay_server import Route

    replay_server.routes.append(Route("/loop", {}, 302, b"", {"Location": "/loop", "Content-Type": "text/plain"}))
    with pytest.raises(FetchError, match=r"gave up after 3 tries: request failed \(TooManyRedirects\)"):
        f.get(replay_server.url + "/loop")
