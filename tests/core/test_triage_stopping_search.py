"""The stopping test's search for its bounds gives the answer of a plain bisection over every possible
count of unseen relevant papers on the full test (the former search), while asking far fewer
hypergeometric CDFs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from gapscope.triage import TriageSession, decide
from gapscope.triage.stopping import assess, recall_threshold, windows


def _bisect(n, k, unseen, alpha):
    """The former search: bisection over 0..unseen on the smallest CDF over all windows."""
    ok = n > 0
    n, k = n[ok], k[ok]

    def p(m):
        if m <= 0 or not len(n):
            return 1.0
        return 0.0 if m > unseen else float(np.min(hypergeom.cdf(k, unseen + n, m + k, n)))

    lo, hi = 0, unseen
    if p(hi) >= alpha:
        return hi, p
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if p(mid) >= alpha else (lo, mid)
    return lo, p


def _reference(y, total, target=0.95, confidence=0.95):
    y = np.asarray(y, dtype=np.int64)
    found, unseen = int(y.sum()), max(total - len(y), 0)
    if found == 0:
        return None, None, None, False
    n, k = windows(y)
    upper, p = _bisect(n, k, unseen, 1 - confidence)
    estimate, _ = _bisect(n, k, unseen, 0.5)
    pv = p(recall_threshold(found, target))
    return estimate, upper, pv, pv < 1 - confidence


def _record(seed, length):
    """A screening order as active learning gives one: relevant papers thin out as screening goes on."""
    rng = np.random.default_rng(seed)
    return (rng.random(length) < np.linspace(0.6, 0.005, length)).astype(int)


@pytest.mark.parametrize("seed,total", [(1, 400), (2, 3000), (3, 74566)])
def test_bounds_equal_a_plain_bisection(seed, total):
    y = _record(seed, 160)
    for t in range(1, len(y) + 1, 3 if total < 10_000 else 13):      # the former search is slow on a big scope
        got = assess(y[:t], total)
        assert (got.estimate, got.upper, got.p_value, got.stop) == _reference(y[:t], total)


def test_bounds_equal_a_plain_bisection_on_unusual_records():
    # all relevant, none relevant after the first, every other one, a scope fully screened
    for y, total in (([1] * 30, 500), ([1] + [0] * 200, 5000), ([1, 0] * 60, 20000), ([0, 1, 0] * 20, 60)):
        got = assess(y, total)
        assert (got.estimate, got.upper, got.p_value, got.stop) == _reference(y, total)


def _cdf_values(monkeypatch):
    """How many window CDFs the search computes."""
    asked = []
    real = hypergeom.cdf

    def counted(k, *args):
        asked.append(np.size(k))
        return real(k, *args)

    monkeypatch.setattr(hypergeom, "cdf", counted)
    return asked


def test_the_search_asks_far_fewer_cdfs_than_a_bisection(monkeypatch):
    y, total = _record(5, 400), 74566
    asked = _cdf_values(monkeypatch)
    _reference(y, total)
    bisection = sum(asked)
    asked.clear()
    assess(y, total)
    assert sum(asked) < bisection / 4, (bisection, sum(asked))


def test_a_kept_session_reports_the_stopping_figures_of_a_new_one(adhd, tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    lib, truth = adhd
    kept = TriageSession(lib, use_embeddings=False)
    for _ in range(25):
        pid = kept.queue(1)[0]["paper_id"]
        decide(lib, pid, "include" if truth[pid] else "exclude")
        assert kept.stats()["stopping"] == TriageSession(lib, use_embeddings=False).stats()["stopping"]
