"""Replay a labelled review to measure how much screening the model saves.

Protocol (the same as ASReview's simulation with one prior of each class): for each seed, one
included and one excluded record are drawn as ASReview's CLI draws them (see pick_priors) as the
known priors; then the model repeatedly picks the unscreened record it finds most likely relevant, learns its
true label, and retrains. Metrics leave the two priors out, as asreview-insights does:

- recall curve: fraction of the (non-prior) relevant records found after k of N non-prior records
- WSS@95 (Cohen et al. 2006, computed as asreview-insights does): for the smallest number T of
  relevant records that is >= 95 % of them, (records a random order needs to find T) minus
  (records the model needed), over N
- recall@10% = recall after screening the first ceil(10 % of N) records
- stopping (see stopping.py): where the buscar test would have stopped, the share screened and the
  recall then (over every relevant record, the prior included: what the rule promises), beside the
  heuristic "stop after N irrelevant in a row"; and the calibration of the unseen-relevant bound
  (how often it holds the true number, checked after every 5 % of the records and at the stop)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from ..jobs import check, report
from .model import DEFAULT_C, DEFAULT_POS_WEIGHT, blank_records_due, fit_and_score
from . import stopping as stp


def pick_priors(labels: np.ndarray, seed: int, n_included: int = 1, n_excluded: int = 1) -> list[int]:
    """The priors ASReview's ``simulate --n-prior-included 1 --n-prior-excluded 1 --prior-seed S`` picks:
    a ``RandomState(S)`` draw among the included indices, and a fresh ``RandomState(S)`` draw among
    the excluded ones."""
    labels = np.asarray(labels)
    inc = np.random.RandomState(seed).choice(np.flatnonzero(labels == 1), n_included, replace=False)
    exc = np.random.RandomState(seed).choice(np.flatnonzero(labels == 0), n_excluded, replace=False)
    return [int(i) for i in inc] + [int(i) for i in exc]


def screening_labels(order: Sequence[int], labels: np.ndarray, priors: Sequence[int]) -> np.ndarray:
    """The labels of the non-prior records in screening order; records never reached come last
    (they are all irrelevant when a run stops at the last relevant record)."""
    labels = np.asarray(labels)
    prior_set = set(int(p) for p in priors)
    seen = [i for i in order if i not in prior_set]
    seen_set = set(seen)
    rest = [i for i in range(len(labels)) if i not in prior_set and i not in seen_set]
    return labels[seen + rest].astype(np.int64)


def recall_curve(seq: np.ndarray) -> np.ndarray:
    """recall[k] after screening the first k records of ``seq`` (k = 0..N)."""
    return np.concatenate([[0], np.cumsum(seq)]) / max(int(seq.sum()), 1)


def wss(seq: np.ndarray, level: float = 0.95) -> float:
    """Work saved over sampling at ``level`` recall, as asreview-insights computes it: for the
    smallest count T of relevant records with T / R >= level, (records a random order needs to find
    T) minus (records the model needed), over N; the random order is asreview-insights' rounded line."""
    n, r = len(seq), int(seq.sum())
    t = int(math.ceil(level * r - 1e-9))
    when = int(np.searchsorted(np.cumsum(seq), t))
    when_random = int(np.searchsorted(np.round(np.linspace(0, r, n)), t))
    return float((when_random - when) / n)


def screened_to(seq: np.ndarray, level: float = 0.95) -> int:
    """Records screened until ``level`` recall."""
    t = int(math.ceil(level * int(seq.sum()) - 1e-9))
    return int(np.searchsorted(np.cumsum(seq), t)) + 1


def recall_at(seq: np.ndarray, fraction: float = 0.10) -> float:
    """Recall after the first ceil(fraction * N) records (asreview-insights' recall at 10 %)."""
    n = len(seq)
    return float(recall_curve(seq)[int(math.ceil(fraction * n - 1e-9))])


@dataclass
class RunResult:
    seed: int
    priors: list[int]
    order: list[int]
    wss95: float
    recall_at_10: float
    seq: np.ndarray = field(repr=False)   # labels in screening order (priors left out)
    stop: dict = field(default_factory=dict)  # see stopping_of


    @property
    def curve(self) -> np.ndarray:
        return recall_curve(self.seq)

    def to_dict(self) -> dict:
        c = self.curve
        n = len(c) - 1
        return {"seed": self.seed, "priors": self.priors, "wss95": round(self.wss95, 4),
                "recall_at_10": round(self.recall_at_10, 4), "screened_to_95": screened_to(self.seq), "n": n,
                # recall after 0 %, 1 %, ..., 100 % of the records screened
                "recall_curve": [round(float(c[int(math.ceil(p * n / 100 - 1e-9))]), 4) for p in range(101)],
                "stopping": self.stop}


def full_order_labels(order: Sequence[int], labels: np.ndarray, priors: Sequence[int]) -> np.ndarray:
    """Labels of the priors, then of the records in screening order, then of the records never reached
    (a run stops at the last relevant record, so those are all irrelevant and their order is moot)."""
    labels = np.asarray(labels)
    head = [int(p) for p in priors] + [int(i) for i in order if int(i) not in set(int(p) for p in priors)]
    seen = set(head)
    rest = [i for i in range(len(labels)) if i not in seen]
    return labels[head + rest].astype(np.int64)


def stopping_of(full: np.ndarray, n_priors: int, *, target_recall: float = stp.TARGET_RECALL,
                confidence: float = stp.CONFIDENCE, streak: Optional[int] = None) -> dict:
    """Where the stopping rule (and the consecutive-irrelevant heuristic) fire on one screening order
    ``full`` (priors first), and how well the unseen-relevant bound holds along the way.
    ``stopped_at`` counts the records screened after the priors (None: never fired)."""
    total, n_rel = len(full), int(full.sum())
    n = total - n_priors
    streak = stp.streak_threshold(total) if streak is None else streak

    def at(t: Optional[int]) -> dict:
        if t is None:
            return {"stopped_at": None, "screened_share": None, "recall_at_stop": None}
        return {"stopped_at": t - n_priors, "screened_share": round((t - n_priors) / n, 4),
                "recall_at_stop": round(float(full[:t].sum()) / n_rel, 4)}

    t_rule = stp.first_stop(full, total, start=n_priors + 1, target_recall=target_recall, confidence=confidence)
    t_streak = stp.first_streak_stop(full, streak, start=n_priors + 1)
    checks = sorted({n_priors + int(math.ceil(j * n / 20)) for j in range(1, 20)} | ({t_rule} if t_rule else set()))
    calib = []
    for t in checks:
        a = stp.assess(full[:t], total, target_recall=target_recall, confidence=confidence)
        if a.upper is None:
            continue
        left = n_rel - a.found
        calib.append({"screened": t, "unseen_relevant": left, "estimate": a.estimate, "upper": a.upper,
                      "covered": left <= a.upper})
    return {"rule": at(t_rule), "streak": dict(at(t_streak), n=streak), "calibration": calib}


def simulate_run(X, labels: np.ndarray, seed: int, *, C: float = DEFAULT_C, retrain_every: int = 1,
                 priors: Optional[list[int]] = None, no_text: Optional[np.ndarray] = None, pos_weight: float = DEFAULT_POS_WEIGHT,
                 cancel=None) -> RunResult:
    """One replay: screen by the model's top pick until every relevant record has been found.

    ``no_text`` marks records with neither title nor abstract: the model cannot judge them, so (as
    in the app's queue) they are screened at their base-rate chance of relevance (see
    ``blank_records_due``) rather than wherever their empty vector happens to land."""
    labels = np.asarray(labels, dtype=np.int64)
    n = len(labels)
    priors = pick_priors(labels, seed) if priors is None else list(priors)
    labelled = list(priors)
    unlabelled = np.ones(n, dtype=bool)
    unlabelled[priors] = False
    order: list[int] = []
    remaining_pos = int(labels[unlabelled].sum())
    no_text = np.zeros(n, dtype=bool) if no_text is None else np.asarray(no_text, dtype=bool)
    queue: list[int] = []
    while remaining_pos > 0 and unlabelled.any():
        check(cancel)
        if not queue:
            idx = np.asarray(labelled)
            pool = np.flatnonzero(unlabelled & ~no_text)
            blanks = np.flatnonzero(unlabelled & no_text)
            if len(pool):
                fitted = fit_and_score(X, idx, labels[idx], C=C, rows=pool, pos_weight=pos_weight)
            if len(blanks) and (not len(pool) or blank_records_due(fitted.prob, int(labels[idx].sum()), n)):
                queue = [int(b) for b in blanks]
            else:
                best = np.argsort(-fitted.scores, kind="stable")[:retrain_every]
                queue = [int(pool[b]) for b in best]
        i = queue.pop(0)
        order.append(i)
        labelled.append(i)
        unlabelled[i] = False
        remaining_pos -= int(labels[i])
    seq = screening_labels(order, labels, priors)
    stop = stopping_of(full_order_labels(order, labels, priors), len(priors))
    return RunResult(seed, priors, order, wss(seq), recall_at(seq), seq, stop)


def simulate(X, labels: np.ndarray, seeds: Sequence[int], *, C: float = DEFAULT_C, retrain_every: int = 1,
             no_text: Optional[np.ndarray] = None, pos_weight: float = DEFAULT_POS_WEIGHT, progress: Optional[Callable] = None,
             cancel=None) -> list[RunResult]:
    out = []
    for k, s in enumerate(seeds):
        report(progress, k, len(seeds), f"seed {s}")
        out.append(simulate_run(X, labels, s, C=C, retrain_every=retrain_every, no_text=no_text,
                                pos_weight=pos_weight, cancel=cancel))
    report(progress, len(seeds), len(seeds), "done")
    return out


def stopping_summary(stops: Sequence[dict], seeds: Sequence[int], key: str = "rule",
                     target_recall: float = stp.TARGET_RECALL) -> dict:
    """{"runs": [{seed, stopped_at, screened_share, recall_at_stop}], "met_share", "fired_share",
    "mean_screened_share", "mean_recall_at_stop"} for the rule (key "rule") or the heuristic ("streak")."""
    runs = [dict(seed=s, **{k: st[key][k] for k in ("stopped_at", "screened_share", "recall_at_stop")})
            for s, st in zip(seeds, stops)]
    fired = [r for r in runs if r["stopped_at"] is not None]
    # a rule that never fires screens everything: recall 1, the whole set screened
    recall = [r["recall_at_stop"] if r["stopped_at"] is not None else 1.0 for r in runs]
    share = [r["screened_share"] if r["stopped_at"] is not None else 1.0 for r in runs]
    return {"runs": runs, "met_share": round(float(np.mean([x >= target_recall - 1e-9 for x in recall])), 4),
            "fired_share": round(len(fired) / max(len(runs), 1), 4),
            "mean_screened_share": round(float(np.mean(share)), 4), "mean_recall_at_stop": round(float(np.mean(recall)), 4)}


def calibration_summary(stops: Sequence[dict], confidence: float = stp.CONFIDENCE) -> dict:
    pts = [c for st in stops for c in st["calibration"]]
    return {"confidence": confidence, "interval": "one-sided: 0 to the upper bound", "checkpoints": len(pts),
            "coverage": round(float(np.mean([c["covered"] for c in pts])), 4) if pts else None,
            "estimate_mean_abs_error": round(float(np.mean([abs(c["estimate"] - c["unseen_relevant"]) for c in pts])), 3)
            if pts else None}


def summary(results: Sequence[RunResult]) -> dict:
    seeds = [r.seed for r in results]
    stops = [r.stop for r in results]
    streak = stops[0]["streak"]["n"] if stops else None
    return {
        "wss95": float(np.mean([r.wss95 for r in results])),
        "recall_at_10": float(np.mean([r.recall_at_10 for r in results])),
        "runs": [r.to_dict() for r in results],
        "stopping": {"rule": stp.rule_text(), "target_recall": stp.TARGET_RECALL, "confidence": stp.CONFIDENCE,
                     **stopping_summary(stops, seeds, "rule"),
                     "heuristic": {"rule": f"stop after {streak} irrelevant records in a row (max(50, 5% of the records))",
                                   **stopping_summary(stops, seeds, "streak")}},
        "calibration": calibration_summary(stops),
    }


def plot_curves(results: Sequence[RunResult], path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=110)
    for r in results:
        n = len(r.curve) - 1
        ax.plot(np.arange(n + 1) / n, r.curve, lw=1.2, label=f"seed {r.seed} (WSS@95 {r.wss95:.3f})")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=0.8, label="random order")
    ax.axvline(0.10, color="grey", lw=0.6, ls=":")
    ax.axhline(0.95, color="grey", lw=0.6, ls=":")
    ax.set_xlabel("fraction of records screened")
    ax.set_ylabel("recall (relevant records found)")
    ax.set_title(title or "GapScope screening simulation")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    import io
    from pathlib import Path

    from ..outfiles import write_atomic

    buf = io.BytesIO()      # drawn first, then written whole: a failure never leaves half a PNG
    fig.savefig(buf, format=Path(path).suffix.lstrip(".").lower() or "png")
    plt.close(fig)
    write_atomic(path, buf.getvalue())
