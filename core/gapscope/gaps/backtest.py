"""Backtest: find method x problem gaps with only the papers listed before DATE, then count how many of
the top-k were filled by papers listed on or after DATE, against a popularity and a random baseline."""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np

from ..jobs import ProgressFn, check, report, scaled
from ..maps.build import make_map
from ..maps.cluster import assign
from .detect import cooccurrence, default_min_size, pair_candidates, two_sided_prediction


def filled_definition(m: int, rare_max: int) -> str:
    return (f"a (method cluster, problem cluster) pair that had at most {rare_max} paper(s) with both before DATE "
            f"is filled when at least {m} papers listed on or after DATE have their method sentences nearest that "
            f"method cluster's centroid and their result sentences nearest that problem cluster's centroid")


def backtest_arrays(method: tuple, problem: tuple, dates: Mapping[int, Optional[str]], before: str, *,
                    k: int = 20, m: int = 3, rare_max: int = 1, neighbours: int = 5, map_k: Optional[int] = None,
                    seed: int = 0, random_seeds: int = 200, progress: Optional[ProgressFn] = None,
                    cancel=None) -> dict:
    """``method`` / ``problem`` = (ids, vecs, texts) over all papers; returns the backtest report."""
    def split(data):
        ids, vecs, texts = data
        ids = np.asarray(ids, dtype=np.int64)
        early = np.array([(dates.get(int(p)) or "9999") < before for p in ids])
        late = np.array([bool(dates.get(int(p))) and dates[int(p)] >= before for p in ids])
        return (ids[early], vecs[early], texts), (ids[late], vecs[late])

    (me, mv, mt), (ml_ids, ml_vecs) = split(method)
    (pe, pv, pt), (pl_ids, pl_vecs) = split(problem)
    if len(me) < 20 or len(pe) < 20:
        raise ValueError(f"too few papers before {before} to backtest ({len(me)} with method, {len(pe)} with result text)")
    if len(ml_ids) == 0 or len(pl_ids) == 0:
        # nothing can be filled: a 0 / 0 precision would read as a measurement
        latest = max((dates.get(int(p)) or "" for p in np.concatenate([me, pe])), default="")
        raise ValueError(f"no papers listed on or after {before} with method and result text to backtest against"
                         f" (the latest paper with vectors is from {latest or 'an unknown date'})")
    mmap = make_map("method", me, mv, mt, dates, k=map_k, seed=seed, stability_seeds=0,
                    progress=scaled(progress, 0.0, 0.45), cancel=cancel)
    check(cancel)
    pmap = make_map("result", pe, pv, pt, dates, k=map_k, seed=seed, stability_seeds=0,
                    progress=scaled(progress, 0.45, 0.9), cancel=cancel)
    w = cooccurrence(mmap, pmap)
    both_before = int(w.sum())
    min_size = default_min_size(both_before)
    pred, _ = two_sided_prediction(w, mmap.centroids(), pmap.centroids(), neighbours)
    cand = pair_candidates(w, min_size, rare_max)

    # later papers go to the nearest centroid of the maps built before DATE
    _, lm = assign(ml_vecs, mmap.centroids()) if len(ml_ids) else (None, np.zeros(0, dtype=np.int64))
    _, lp = assign(pl_vecs, pmap.centroids()) if len(pl_ids) else (None, np.zeros(0, dtype=np.int64))
    lp_of = dict(zip(pl_ids.tolist(), lp.tolist()))
    w_after = np.zeros_like(w)
    for pid, i in zip(ml_ids.tolist(), lm.tolist()):
        j = lp_of.get(pid)
        if j is not None:
            w_after[i, j] += 1
    filled = (w_after >= m) & cand

    cand_idx = np.flatnonzero(cand.ravel())
    n_cand = len(cand_idx)
    kk = min(k, n_cand)

    def precision(scores: np.ndarray) -> float:
        if kk == 0:
            return 0.0
        s = scores.ravel()[cand_idx]
        # ties broken by pair index so the figure is reproducible
        top = cand_idx[np.lexsort((cand_idx, -s))[:kk]]
        return float(filled.ravel()[top].mean())

    n_m, n_p = w.sum(axis=1), w.sum(axis=0)
    ours = precision(pred - w)
    popularity = precision(n_m[:, None] * n_p[None, :])
    base_rate = float(filled.ravel()[cand_idx].mean()) if n_cand else 0.0
    rng = np.random.default_rng(seed)
    rand = float(np.mean([filled.ravel()[rng.choice(cand_idx, kk, replace=False)].mean()
                          for _ in range(random_seeds)])) if kk else 0.0
    report(progress, 1000, 1000, "backtest done")
    return {
        "k": k, "precision_at_k": ours, "popularity_precision_at_k": popularity, "random_precision_at_k": rand,
        "filled_definition": filled_definition(m, rare_max),
        "ratio_vs_popularity": (ours / popularity) if popularity > 0 else None,
        "ratio_vs_random": (ours / rand) if rand > 0 else None,
        "random_expected_precision": base_rate,
        "before": before, "m": m, "rare_max": rare_max, "neighbours": neighbours, "min_cluster_size": min_size,
        "method_k": mmap.k, "problem_k": pmap.k, "candidates": n_cand, "filled_candidates": int(filled.sum()),
        "papers_before": {"method": int(len(me)), "result": int(len(pe)), "both": both_before},
        "papers_after": {"method": int(len(ml_ids)), "result": int(len(pl_ids)), "both": int(w_after.sum())},
        "seed": seed,
    }


def backtest(lib, before: str, *, k: int = 20, m: int = 3, rare_max: int = 1, map_k: Optional[int] = None,
             seed: int = 0, data: Optional[Mapping[str, tuple]] = None, progress: Optional[ProgressFn] = None,
             cancel=None) -> dict:
    """Library wrapper: vectors from gapscope.embed (or ``data``), dates from ``papers.published``."""
    from ..maps.build import load_facet_data, paper_dates

    got = {}
    for facet in ("method", "result"):
        got[facet] = data[facet] if data is not None and facet in data else load_facet_data(lib, facet, None)
    return backtest_arrays(got["method"], got["result"], paper_dates(lib), before, k=k, m=m, rare_max=rare_max,
                           map_k=map_k, seed=seed, progress=progress, cancel=cancel)
