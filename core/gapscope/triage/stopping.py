"""When can screening stop? A hypergeometric stopping test (Callaghan & Müller-Hansen 2020, "buscar")
and the unseen-relevant estimate that inverts it.

The test looks only at the screening record: the labels in the order papers were screened, and how
many papers the scope holds. For every n, the last n screened papers are treated as a random sample
drawn from themselves plus all unscreened papers (the "urn"). Screening by the model shows likely
relevant papers first, so the latest screened papers are, if anything, richer in relevant papers
than a random draw: treating them as random makes the test conservative.

- Stopping rule: H0 "recall is below the target" means at least m* = floor(r / target) - r + 1
  relevant papers are unseen (r = relevant found). H0 is rejected when, for some n, drawing at most
  the k relevant papers seen among the last n has probability below 1 - confidence with m* relevant
  in the unseen part. Stop when H0 is rejected.
- Unseen-relevant bound: the largest m that the same test does not reject at the given confidence
  (a one-sided interval 0..m); the estimate is the same inversion at 50 %.

For a fixed k the probability falls as n grows, so only the longest window holding each k relevant
papers needs checking (r + 1 windows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from ..textfmt import plural

TARGET_RECALL = 0.95
CONFIDENCE = 0.95


def rule_text(target_recall: float = TARGET_RECALL, confidence: float = CONFIDENCE) -> str:
    return (f"buscar hypergeometric stopping test (Callaghan & Müller-Hansen 2020), recall target "
            f"{target_recall:.0%} at {confidence:.0%} confidence: for every n, the last n screened papers are "
            f"treated as a random sample of themselves plus every unscreened paper (conservative, since the model "
            f"shows likely relevant papers first); stop when the hypothesis 'recall is below {target_recall:.0%}' "
            f"is rejected at p < {1 - confidence:.2f}. The unseen-relevant interval inverts the same test: "
            f"0 to the most relevant papers still unseen that it cannot rule out at {confidence:.0%} "
            f"(one-sided); the estimate is the same inversion at 50%.")


def windows(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, k): for k = 0..r, the length n of the longest run of the latest screened papers that holds
    exactly k relevant ones."""
    rev = np.asarray(labels, dtype=np.int64)[::-1]
    pos = np.flatnonzero(rev)
    n = np.append(pos, len(rev)).astype(np.int64)
    return n, np.arange(len(n), dtype=np.int64)


def p_value(n: np.ndarray, k: np.ndarray, unseen: int, m: int) -> float:
    """The test's p-value for "m relevant papers are unseen": the smallest, over the windows, chance
    of seeing at most k relevant in a random draw of n from the urn of n + unseen papers that holds
    m + k relevant ones."""
    return _Test(n, k, unseen).p(m)


def hypergeom_cdf(k, M, n, N) -> np.ndarray:
    """``scipy.stats.hypergeom.cdf(k, M, n, N)`` for integer arguments, the same values to the bit, without
    importing scipy.stats: that import takes 0.6 s, more than the test itself (and `triage next --json
    --stopping`, which carries the stopping figures, needs nothing else of it). It is the Boost kernel hypergeom calls,
    from scipy.special, inside the rules of scipy's discrete ``cdf``: 1 from min(n, N) up, 0 below
    max(N - (M - n), 0), NaN where (M, n, N) is no distribution. A SciPy without that kernel uses
    scipy.stats."""
    try:
        from scipy.special._ufuncs import _hypergeom_cdf
    except ImportError:                     # a SciPy that moved it: the public, slower-to-import way
        from scipy.stats import hypergeom

        return np.asarray(hypergeom.cdf(k, M, n, N), dtype=np.float64)
    k, M, n, N = np.broadcast_arrays(*(np.asarray(a) for a in (k, M, n, N)))
    valid = (M > 0) & (n >= 0) & (N >= 0) & (n <= M) & (N <= M)
    low, high = np.maximum(N - (M - n), 0), np.minimum(n, N)
    out = np.zeros(k.shape, dtype=np.float64)
    out[k >= high] = 1.0
    inside = valid & (k >= low) & (k < high)
    if inside.any():
        out[inside] = np.clip(_hypergeom_cdf(k[inside], n[inside], N[inside], M[inside]), 0, 1)
    out[~valid] = np.nan
    return out


class _Test:
    """The p-values of one screening record. Each is hundreds of hypergeometric CDFs on a big scope
    (one per window, a tenth of a millisecond or more each), so the searches for the bounds work on
    one window at a time as far as they can (see ``_largest_not_rejected``)."""

    def __init__(self, n: np.ndarray, k: np.ndarray, unseen: int):
        ok = n > 0
        self.n, self.k, self.unseen = n[ok], k[ok], unseen
        self.worst = 0          # the window of the last smallest value

    def cdf(self, m: int, at=slice(None)) -> np.ndarray:
        n, k = self.n[at], self.k[at]
        # as scipy's hypergeom(M=population, n=successes, N=draws)
        return hypergeom_cdf(k, self.unseen + n, m + k, n)

    def p(self, m: int) -> float:
        if m <= 0:
            return 1.0
        if m > self.unseen:
            return 0.0
        if not len(self.n):
            return 1.0
        cdf = self.cdf(m)
        self.worst = int(np.argmin(cdf))
        return float(cdf[self.worst])


def _largest_not_rejected(test: _Test, alpha: float, lo: int = 0) -> int:
    """The largest m in lo..unseen with p_value >= alpha (``lo``: one known to hold).

    Every window's CDF falls as m grows, so the answer is the smallest, over the windows, of the
    largest m each window alone does not reject. The search bisects with the window that gave the
    smallest p-value (one CDF a step), then checks its answer against all windows at once: when one
    of them rejects it, that window leads the next bisection below. One or two full tests a bound,
    where bisecting on the full test takes about seventeen on 75,000 papers; the answer is the same."""
    unseen = test.unseen
    if not len(test.n):
        return unseen
    hi = unseen + 1                     # rejected (p = 0); lo holds
    while True:
        w = slice(test.worst, test.worst + 1)
        top = hi                        # the window alone: largest m in [lo, hi) it does not reject
        low = lo
        while top - low > 1:
            mid = (low + top) // 2
            if float(test.cdf(mid, w)[0]) >= alpha:
                low = mid
            else:
                top = mid
        if low == lo or test.p(low) >= alpha:
            return low
        hi = low                        # another window rejects it: that one leads below


def recall_threshold(found: int, target_recall: float) -> int:
    """m*: the fewest unseen relevant papers that would put recall below the target."""
    return int(math.floor(found / target_recall - found + 1e-9)) + 1


@dataclass
class Stopping:
    screened: int
    total: int
    found: int
    estimate: Optional[int]          # unseen relevant, 50 % inversion
    upper: Optional[int]             # unseen relevant, one-sided upper bound at ``confidence``
    p_value: Optional[float]         # of H0 "recall < target"
    stop: bool
    target_recall: float
    confidence: float

    @property
    def recall_lower(self) -> Optional[float]:
        """Recall so far is at least this (at ``confidence``)."""
        if self.upper is None or self.found == 0:
            return None
        return self.found / (self.found + self.upper)


def assess(labels: Sequence[int], total: int, *, target_recall: float = TARGET_RECALL,
           confidence: float = CONFIDENCE) -> Stopping:
    """The stopping test on ``labels`` (1 relevant, 0 not, in screening order) in a scope of ``total``."""
    y = np.asarray(labels, dtype=np.int64)
    screened, found = len(y), int(y.sum())
    unseen = max(total - screened, 0)
    if total == 0:
        return Stopping(0, 0, 0, None, None, None, False, target_recall, confidence)
    if found == 0:
        # No relevant paper yet: recall is undefined and nothing says when to stop.
        return Stopping(screened, total, 0, None, None, None, False, target_recall, confidence)
    n, k = windows(y)
    test = _Test(n, k, unseen)
    # the estimate (tested at 50 %) is at most the upper bound (at 1 - confidence): it bounds that search
    estimate = _largest_not_rejected(test, 0.5)
    upper = _largest_not_rejected(test, 1 - confidence, estimate if confidence >= 0.5 else 0)
    m_star = recall_threshold(found, target_recall)
    p = test.p(m_star)
    return Stopping(screened, total, found, estimate, upper, p, p < 1 - confidence, target_recall, confidence)


def first_stop(labels: Sequence[int], total: int, *, start: int = 1, target_recall: float = TARGET_RECALL,
               confidence: float = CONFIDENCE) -> Optional[int]:
    """How many papers of ``labels`` (a whole screening order) are screened when the rule first fires
    (checked after each paper from ``start`` on); None when it never fires."""
    y = np.asarray(labels, dtype=np.int64)
    csum = np.cumsum(y)
    alpha = 1 - confidence
    for t in range(max(start, 1), len(y) + 1):
        found = int(csum[t - 1])
        if found == 0:
            continue
        unseen = total - t
        m_star = recall_threshold(found, target_recall)
        if m_star > unseen:
            return t
        n, k = windows(y[:t])
        if p_value(n, k, unseen, m_star) < alpha:
            return t
    return None


def first_streak_stop(labels: Sequence[int], streak: int, *, start: int = 1) -> Optional[int]:
    """The heuristic "stop after ``streak`` irrelevant papers in a row": papers screened when it fires."""
    run = 0
    for t, v in enumerate(np.asarray(labels, dtype=np.int64), start=1):
        run = 0 if v else run + 1
        if t >= start and run >= streak:
            return t
    return None


def streak_threshold(total: int) -> int:
    """The app's consecutive-irrelevant heuristic: max(50, 5 % of the scope)."""
    return max(50, int(0.05 * total))


# Before the estimate is worth reading. The test treats the latest screened papers as a random sample
# of themselves plus the unseen ones, so it needs (1) a relevant paper found (recall is undefined
# before), (2) a sample: at least MIN_SCREENED screened papers (all of a smaller scope), and (3) a
# bound that says something. The bound is judged by itself, as shares, never against the estimate:
# it says something when it rules out that half of the unseen papers are relevant (upper <= unseen / 2),
# or that recall so far is below one half (upper <= found: a scope of likely includes, "about 50, at
# most 65, of 100 unseen" with 400 found, is the figure the screening gives, not a want of decisions).
# Both are thresholds on the bound alone, so a narrower interval is never "too wide"; the estimate,
# the 50 % inversion of a test that takes the smallest value over every window of the latest papers,
# jumps with each decision while the windows are short (27 found of 41 screened in 600: about 264,
# then 163 after one more exclude), and it assumes those papers are a random draw where the model
# shows likely relevant ones first, so it reads high: until the bound says something it is not shown,
# the bound is (with what it still needs).
MIN_SCREENED = 20
MIN_RELEVANT = 1


def bound_says_something(upper: Optional[int], found: int, unseen: int) -> bool:
    """Whether the 95 % bound on the unseen relevant papers is narrow enough to read an estimate beside:
    at most half of the unseen papers, or at most as many as are found (recall so far at least 50 %).
    Monotone: a lower bound never reads as wider."""
    return upper is not None and (upper <= unseen / 2 or upper <= found)


def readiness(stopping: dict, screened: int, unseen: int) -> dict:
    """Whether the unseen-relevant estimate of ``stats()['stopping']`` has enough decisions behind it to
    be shown, and what it still needs: {"estimable", "needs_screened", "needs_relevant", "interval_narrow"}.
    A fully screened scope is always estimable (nothing is unseen)."""
    found = int(stopping.get("relevant_found") or 0)
    upper = stopping.get("unseen_relevant_upper")
    if unseen <= 0:
        return {"estimable": True, "needs_screened": 0, "needs_relevant": 0, "interval_narrow": True}
    needs_screened = max(0, min(MIN_SCREENED, screened + unseen) - screened)
    needs_relevant = max(0, MIN_RELEVANT - found)
    narrow = bound_says_something(upper, found, unseen)
    return {"estimable": bool(not needs_screened and not needs_relevant and narrow),
            "needs_screened": needs_screened, "needs_relevant": needs_relevant, "interval_narrow": narrow}


# The point estimate's fields: null in the figures a script reads wherever the text gives no point estimate.
POINT_ESTIMATE_KEYS = ("estimated_relevant_unseen", "estimated_recall")


def add_readiness(stats: dict) -> dict:
    """``stats`` (``triage_stats``) with :func:`readiness`'s fields added to its ``stopping`` (no key removed).
    Where the estimate is not estimable (and the rule gives no stop verdict, which would quote it) its
    point-estimate fields are set to None: the text says "no point estimate yet", and a number beside
    ``estimable: false`` gets quoted as the review's recall. The 95 % bound fields stay."""
    st = stats.get("stopping")
    if isinstance(st, dict) and not stats.get("empty"):
        screened = int(stats.get("screened") or 0)
        st.update(readiness(st, screened, int(stats.get("unseen") or 0)), screened=screened)
        if not st["estimable"] and not st.get("suggest_stop"):
            st.update(dict.fromkeys(POINT_ESTIMATE_KEYS))
    return stats


def recall_at_least(found: int, upper: int) -> str:
    """Recall so far is at least found / (found + upper), as a percentage: whole percents from 1 % up; below
    that one significant digit. Rounded down, both, so that a lower bound is never rounded up: 36 relevant
    papers found never read as "at least 0%", nor 300 found with 1 unseen as "at least 100%"."""
    share = 100.0 * found / (found + upper)
    if share >= 1:
        return f"{math.floor(share + 1e-9):.0f}%"
    digits = -math.floor(math.log10(share))
    return f"{math.floor(share * 10 ** digits + 1e-9) / 10 ** digits:.{digits}f}%"


def none_found_upper(screened: int, unseen: int, confidence: float = CONFIDENCE) -> int:
    """With ``screened`` papers screened and none relevant, the most relevant papers the ``unseen`` ones
    can hold that the same test does not rule out (its one window: all screened, none relevant)."""
    if unseen <= 0 or screened <= 0:
        return max(unseen, 0)
    test = _Test(np.array([screened], dtype=np.int64), np.array([0], dtype=np.int64), unseen)
    return _largest_not_rejected(test, 1 - confidence)


def _none_found_lines(stopping: dict, unseen: int, screened: int) -> list[str]:
    """No relevant paper found: recall has nothing to be a share of, but many irrelevant papers in a row
    still bound how many relevant ones the rest can hold (a whole scope screened: none)."""
    if unseen <= 0:
        return ["unseen relevant papers: none - every paper is screened and none was relevant",
                "stopping rule: nothing left to screen (no relevant paper in this scope)"]
    conf = stopping.get("confidence", CONFIDENCE)
    upper = none_found_upper(screened, unseen, conf)
    return [f"unseen relevant papers: none found in {plural(screened, 'screened paper')}; at most {upper} of the "
            f"{unseen} unseen at {conf:.0%} confidence",
            "stopping rule: no verdict yet - recall is a share of the relevant papers found, and none is yet"]


def not_estimable_text(ready: dict, unseen: int, stopping: Optional[dict] = None) -> str:
    """What the estimate still needs, in words; when only the bound is too wide, the bound itself (the
    interval the screening supports) with why no point estimate is given beside it."""
    needs = []
    if ready["needs_screened"]:
        needs.append(f"screen at least {plural(ready['needs_screened'], 'more paper')}")
    if ready["needs_relevant"]:
        needs.append(f"find {plural(ready['needs_relevant'], 'relevant paper')} (include or maybe)")
    if needs:
        return ("unseen relevant papers: not estimable yet - " + " and ".join(needs)
                + f" (the estimate needs {MIN_SCREENED} screened papers and a relevant one found; "
                  "before that it can only say 'maybe all of them')")
    st = stopping or {}
    upper = st.get("unseen_relevant_upper")
    if upper is None:
        return (f"unseen relevant papers: not estimable yet - the 95% bound is still too wide to say much about the "
                f"{unseen} unseen papers; it narrows as more papers are screened")
    conf = st.get("confidence", CONFIDENCE)
    found = int(st.get("relevant_found") or 0)
    recall = f" (recall so far at least {recall_at_least(found, upper)})" if found else ""
    return (f"unseen relevant papers: at most {upper} of the {unseen} unseen at {conf:.0%} confidence{recall}; "
            f"no point estimate yet - the bound is above half of "
            f"the unseen papers and above the {found} found, and with so few decisions an estimate would move with "
            f"each one; the bound narrows as more papers are screened")


def estimate_text(estimate: int, upper: int, unseen: int, confidence: float = CONFIDENCE) -> str:
    """The shown estimate in words: called an estimate, with its interval, and the direction it errs in.
    It reads the latest screened papers as a random draw where the model shows likely relevant ones
    first, so it tends to read high: above 1.5 x the true number + 1 at 19-66 % of the decisions where
    it is shown on 7 benchmark reviews, below the true number / 1.5 - 1 at 0-19 %. No other estimate
    tried overstated less without understating more often on some review
    (benchmarks/results/triage/stopping_estimate.md)."""
    return (f"unseen relevant papers: an estimated {estimate} of the {unseen} unseen, 0 to {upper} at "
            f"{confidence:.0%} confidence (the estimate tends to read high)")


def describe(stopping: dict, unseen: int, screened: Optional[int] = None) -> list[str]:
    """The stopping figures of ``TriageSession.stats()['stopping']`` in words (CLI, app and report).
    With ``screened`` (or the fields of :func:`add_readiness` in ``stopping``), an estimate without
    enough decisions behind it says what it needs instead of its figures."""
    st = stopping
    lines = []
    note = small_review_note(st)
    upper, est = st.get("unseen_relevant_upper"), st.get("estimated_relevant_unseen")
    ready = readiness(st, screened, unseen) if screened is not None else (st if "estimable" in st else None)
    screened = screened if screened is not None else st.get("screened")
    if not st.get("relevant_found") and screened is not None and (unseen <= 0 or screened >= MIN_SCREENED):
        # none relevant: "find one" would be all it said however many were screened (the whole scope too)
        lines += _none_found_lines(st, unseen, int(screened))
        lines.append(f"heuristic, for comparison: {st['irrelevant_in_a_row']} irrelevant in a row "
                     f"(a common rule of thumb stops at {st['streak_threshold']}; it carries no guarantee)")
        return lines
    if ready is not None and not ready["estimable"] and not st["suggest_stop"]:
        lines.append(not_estimable_text(ready, unseen, st))
        lines.append("stopping rule: no verdict yet - it reads the same estimate")
        if note:
            lines.append(note)
        lines.append(f"heuristic, for comparison: {st['irrelevant_in_a_row']} irrelevant in a row "
                     f"(a common rule of thumb stops at {st['streak_threshold']}; it carries no guarantee)")
        return lines
    if upper is None:
        lines.append("unseen relevant papers: no estimate until at least one paper is included")
    else:
        lines.append(estimate_text(est, upper, unseen, st["confidence"]) +
                     f"; recall so far at least {recall_at_least(int(st['relevant_found']), upper)}")
    if st["suggest_stop"]:
        lines.append(f"stopping rule: you can stop - recall is {st['target_recall']:.0%} or more at "
                     f"{st['confidence']:.0%} confidence" + ("" if unseen else " (every paper is screened)"))
    else:
        p = st.get("p_value")
        lines.append(f"stopping rule: keep screening - recall >= {st['target_recall']:.0%} not shown yet"
                     + (f" (p = {p:.2f}, needs < {1 - st['confidence']:.2f})" if p is not None else ""))
    if note:
        lines.append(note)
    lines.append(f"heuristic, for comparison: {st['irrelevant_in_a_row']} irrelevant in a row "
                 f"(a common rule of thumb stops at {st['streak_threshold']}; it carries no guarantee)")
    return lines


def allowed_missing(found: int, target_recall: float = TARGET_RECALL) -> int:
    """How many relevant papers may stay unseen with ``found`` found and recall still at the target."""
    return recall_threshold(found, target_recall) - 1


def small_review_note(stopping: dict) -> str:
    """When so few relevant papers are found that the recall target allows missing none, say so: the rule
    then needs evidence that nothing relevant is left, which takes screening most of the scope."""
    found, allowed = stopping.get("relevant_found"), stopping.get("allowed_missing")
    if not found or allowed is None or allowed > 0 or stopping.get("suggest_stop"):
        return ""
    target = stopping.get("target_recall", TARGET_RECALL)
    more = next(r for r in range(found, found + 10_000) if allowed_missing(r, target) > 0)
    return (f"with {found} found, {target:.0%} recall allows missing none: the rule needs evidence that no "
            f"relevant paper is left, so it fires late (from {more} found on, it may allow one missing)")
