"""Backtest: find method x problem gaps with only the papers listed before DATE, then count how many of
the top-k were filled by papers listed on or after DATE, against a popularity and a random baseline.

One k-means run is one draw: which pairs of clusters exist, and so which pairs are candidates, moves
with the seed. The backtest therefore repeats the clustering over several seeds and reports the mean
precision of each ranking (and each seed's figures), with everything but the k-means start held fixed:
the number of clusters is chosen once from the papers before DATE, the candidate pairs and the "filled"
test are the same for every ranking, and each ranking picks its top k by the rule the gap list uses
(at most ``per_cluster`` pairs per cluster)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, check, report
from ..maps.cluster import K_SEED, assign, choose_k, normalize, spherical_kmeans
from ..textfmt import plural
from .detect import default_min_size, pair_candidates, pick_pairs, two_sided_prediction

# twenty clusterings: on the full cs library, seeds 0-4 gave 1.6x popularity and seeds 5-9 3.8x (same data),
# while seeds 0-19 give 2.9x; each seed costs under 2 s there
DEFAULT_SEEDS = tuple(range(20))
TIE_DRAWS = 64           # random orders averaged over when a ranking has equal scores


def filled_definition(m: int, rare_max: int) -> str:
    return (f"a (method cluster, problem cluster) pair that had at most {plural(rare_max, 'paper')} with both "
            f"before DATE is filled when at least {plural(m, 'paper')} listed on or after DATE "
            f"{plural(m, 'has', number=False)} their method sentences nearest that method cluster's centroid and "
            "their result sentences nearest that problem cluster's centroid")


def expected_precision(score: np.ndarray, cand: np.ndarray, filled: np.ndarray, k: int,
                       per_cluster: Optional[int], seed: int = 0) -> float:
    """Share of filled pairs among the top ``k`` candidates of ``score``. Equal scores (the popularity
    product of two cluster sizes often ties) are not ordered by an arbitrary index: the figure is the
    mean over random orders of the tied pairs, i.e. the precision a fair coin would give."""
    s = score.ravel()[np.flatnonzero(cand.ravel())]
    if len(s) == 0:
        return 0.0
    has_ties = len(np.unique(s)) < len(s)
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(TIE_DRAWS if has_ties else 1):
        tb = rng.random(score.shape) if has_ties else None
        top = pick_pairs(score, cand, k, per_cluster, tiebreak=tb)
        vals.append(float(np.mean([filled[i, j] for i, j in top])) if top else 0.0)
    return float(np.mean(vals))


def _pair_index(a_ids: np.ndarray, b_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``a_ids`` and of ``b_ids`` holding the same paper (papers with both texts)."""
    _, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
    return ia, ib


def _one_seed(seed: int, mx, px, km: int, kp: int, pair_early, mlx, plx, pair_late, *, k: int, m: int,
              rare_max: int, neighbours: int, min_size: int, per_cluster: Optional[int]) -> dict:
    rm = spherical_kmeans(mx, km, seed=seed)
    rp = spherical_kmeans(px, kp, seed=seed)
    w = np.zeros((rm.k, rp.k))
    np.add.at(w, (rm.labels[pair_early[0]], rp.labels[pair_early[1]]), 1.0)
    pred, _ = two_sided_prediction(w, rm.centroids, rp.centroids, neighbours)
    cand = pair_candidates(w, min_size, rare_max)
    # later papers go to the nearest centroid of the maps built before DATE
    lm = assign(mlx, rm.centroids)[1]
    lp = assign(plx, rp.centroids)[1]
    w_after = np.zeros_like(w)
    np.add.at(w_after, (lm[pair_late[0]], lp[pair_late[1]]), 1.0)
    filled = (w_after >= m) & cand
    n_m, n_p = w.sum(axis=1), w.sum(axis=0)
    ours_score, pop_score = pred - w, n_m[:, None] * n_p[None, :]
    n_cand = int(cand.sum())
    out = {"seed": seed,
           "precision_at_k": expected_precision(ours_score, cand, filled, k, per_cluster, seed),
           "popularity_precision_at_k": expected_precision(pop_score, cand, filled, k, per_cluster, seed),
           # a random pick of k candidates: its expected precision is the share of filled candidates
           "random_precision_at_k": float(filled.sum() / n_cand) if n_cand else 0.0,
           "candidates": n_cand, "filled_candidates": int(filled.sum())}
    if per_cluster is not None:
        out["uncapped"] = {"precision_at_k": expected_precision(ours_score, cand, filled, k, None, seed),
                           "popularity_precision_at_k": expected_precision(pop_score, cand, filled, k, None, seed)}
    out["ratio_vs_popularity"] = _ratio(out["precision_at_k"], out["popularity_precision_at_k"])
    return out


def _ratio(a: float, b: float) -> Optional[float]:
    return round(a / b, 4) if b > 0 else None


@dataclass
class _Periods:
    """The method and problem (result) texts' papers split at DATE: ids and vectors before and after."""

    method_ids: np.ndarray
    method_vecs: np.ndarray
    method_late_ids: np.ndarray
    method_late_vecs: np.ndarray
    problem_ids: np.ndarray
    problem_vecs: np.ndarray
    problem_late_ids: np.ndarray
    problem_late_vecs: np.ndarray


def _split_at(data: tuple, dates: Mapping[int, Optional[str]], before: str) -> tuple:
    """(ids, vecs) listed before ``before`` and (ids, vecs) on or after it; undated papers in neither."""
    ids, vecs = np.asarray(data[0], dtype=np.int64), data[1]
    d = np.array([dates.get(int(p)) or "" for p in ids], dtype=np.str_)  # str even when empty
    early = (d != "") & (d < before)
    late = (d != "") & (d >= before)
    return ids[early], vecs[early], ids[late], vecs[late]


def _periods(method: tuple, problem: tuple, dates: Mapping[int, Optional[str]], before: str) -> _Periods:
    """Both facets split at DATE; a ValueError when either side is too thin to backtest."""
    per = _Periods(*_split_at(method, dates, before), *_split_at(problem, dates, before))
    me, pe = per.method_ids, per.problem_ids
    if len(me) < 20 or len(pe) < 20:
        raise ValueError(f"too few papers before {before} to backtest ({len(me)} with method, {len(pe)} with result text)")
    if len(per.method_late_ids) == 0 or len(per.problem_late_ids) == 0:
        # nothing can be filled: a 0 / 0 precision would read as a measurement
        d = [dates.get(int(p)) or "" for p in np.concatenate([me, pe])]
        latest = max(d, default="")
        raise ValueError(f"no papers listed on or after {before} with method and result text to backtest against"
                         f" (the latest paper with vectors is from {latest or 'an unknown date'})")
    return per


@dataclass
class _Setup:
    """How one backtest ran: the list rule, the "filled" test and the clusterings (reported back)."""

    k: int
    m: int
    rare_max: int
    neighbours: int
    per_cluster: Optional[int]
    seeds: list[int]
    before: str
    map_k: Optional[int]
    min_size: int = 0
    km: int = 0                       # clusters of the method map
    kp: int = 0                       # clusters of the problem map
    t0: float = 0.0


def _summary(per_seed: list[dict], per: _Periods, pairs: tuple, run: _Setup) -> dict:
    """The report: the means over the seeds, how they were made, and each seed's figures."""
    k, m, rare_max, per_cluster = run.k, run.m, run.rare_max, run.per_cluster

    def mean(key, sub=None):
        return float(np.mean([(s[sub] if sub else s)[key] for s in per_seed]))

    ours, pop, rand = mean("precision_at_k"), mean("popularity_precision_at_k"), mean("random_precision_at_k")
    both_before, both_after = len(pairs[0][0]), len(pairs[1][0])
    res = {
        "k": k, "precision_at_k": ours, "popularity_precision_at_k": pop, "random_precision_at_k": rand,
        "filled_definition": filled_definition(m, rare_max),
        "ratio_vs_popularity": _ratio(ours, pop), "ratio_vs_random": _ratio(ours, rand),
        "random_expected_precision": rand,
        "seeds": run.seeds, "per_seed": per_seed,
        "seeds_above_popularity": sum(s["precision_at_k"] > s["popularity_precision_at_k"] for s in per_seed),
        "seeds_below_popularity": sum(s["precision_at_k"] < s["popularity_precision_at_k"] for s in per_seed),
        "sd_over_seeds": {"precision_at_k": float(np.std([s["precision_at_k"] for s in per_seed])),
                          "popularity_precision_at_k": float(np.std([s["popularity_precision_at_k"] for s in per_seed]))},
        "list_rule": (f"top {k} candidate pairs by score, at most {per_cluster} per method cluster and per problem "
                      f"cluster (as `gapscope gaps find` lists them)" if per_cluster is not None
                      else f"top {k} candidate pairs by score") + "; tied scores averaged over random orders",
        "before": run.before, "m": m, "rare_max": rare_max, "neighbours": run.neighbours,
        "per_cluster": per_cluster, "min_cluster_size": run.min_size, "method_k": run.km,
        "problem_k": run.kp,
        "k_chosen": "given (--map-k)" if run.map_k is not None else "from the data before DATE, once for all seeds",
        "candidates": round(mean("candidates"), 1), "filled_candidates": round(mean("filled_candidates"), 1),
        "papers_before": {"method": int(len(per.method_ids)), "result": int(len(per.problem_ids)), "both": both_before},
        "papers_after": {"method": int(len(per.method_late_ids)), "result": int(len(per.problem_late_ids)),
                         "both": int(both_after)},
        "seconds": round(time.perf_counter() - run.t0, 2),
    }
    if per_cluster is not None:
        u_ours, u_pop = mean("precision_at_k", "uncapped"), mean("popularity_precision_at_k", "uncapped")
        res["uncapped"] = {"precision_at_k": u_ours, "popularity_precision_at_k": u_pop,
                           "ratio_vs_popularity": _ratio(u_ours, u_pop)}
    return res


def backtest_arrays(method: tuple, problem: tuple, dates: Mapping[int, Optional[str]], before: str, *,
                    k: int = 20, m: int = 3, rare_max: int = 1, neighbours: int = 5, map_k: Optional[int] = None,
                    seeds: Sequence[int] = DEFAULT_SEEDS, per_cluster: Optional[int] = 2,
                    progress: Optional[ProgressFn] = None, cancel=None) -> dict:
    """``method`` / ``problem`` = (ids, vecs[, texts]) over all papers; returns the backtest report:
    the documented keys hold the means over ``seeds``, ``per_seed`` each seed's figures."""
    from threadpoolctl import threadpool_limits

    from ..maps.cluster import _threads

    t0 = time.perf_counter()
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("no seeds to backtest with")

    per = _periods(method, problem, dates, before)
    pair_early = _pair_index(per.method_ids, per.problem_ids)
    pair_late = _pair_index(per.method_late_ids, per.problem_late_ids)
    min_size = default_min_size(len(pair_early[0]))
    with threadpool_limits(limits=_threads(len(per.method_ids))):
        mx, px = normalize(per.method_vecs), normalize(per.problem_vecs)
        mlx, plx = normalize(per.method_late_vecs), normalize(per.problem_late_vecs)
        # k is a property of the papers before DATE, not of the seed: chosen once, as `gapscope map` does
        if map_k is None:
            km = choose_k(mx, seed=K_SEED, cancel=cancel)[0]
            kp = choose_k(px, seed=K_SEED, cancel=cancel)[0]
        else:
            km = kp = int(map_k)
        km, kp = max(1, min(km, len(per.method_ids))), max(1, min(kp, len(per.problem_ids)))
        report(progress, 1, len(seeds) + 1, f"k: method {km}, result {kp}")
        per_seed = []
        for i, seed in enumerate(seeds):
            check(cancel)
            per_seed.append(_one_seed(seed, mx, px, km, kp, pair_early, mlx, plx, pair_late, k=k, m=m,
                                      rare_max=rare_max, neighbours=neighbours, min_size=min_size,
                                      per_cluster=per_cluster))
            report(progress, i + 2, len(seeds) + 1, f"seed {seed}: P@{k} {per_seed[-1]['precision_at_k']:.2f}")
    run = _Setup(k=k, m=m, rare_max=rare_max, neighbours=neighbours, per_cluster=per_cluster, seeds=seeds,
                 before=before, map_k=map_k, min_size=min_size, km=km, kp=kp, t0=t0)
    res = _summary(per_seed, per, (pair_early, pair_late), run)
    report(progress, len(seeds) + 1, len(seeds) + 1, "backtest done")
    return res


def backtest(lib, before: str, *, k: int = 20, m: int = 3, rare_max: int = 1, map_k: Optional[int] = None,
             seeds: Sequence[int] = DEFAULT_SEEDS, per_cluster: Optional[int] = 2,
             data: Optional[Mapping[str, tuple]] = None, progress: Optional[ProgressFn] = None,
             cancel=None) -> dict:
    """Library wrapper: vectors from gapscope.embed (or ``data``), dates from ``papers.published``."""
    from ..dates import iso_day
    from ..embed import load_vectors
    from ..maps.build import paper_dates
    from ..vocabulary import MAP_FACET_EMBED_KIND

    before = iso_day(before)
    got = {}
    for facet in ("method", "result"):
        got[facet] = data[facet] if data is not None and facet in data else load_vectors(lib, MAP_FACET_EMBED_KIND[facet])
        if not len(got[facet][0]):
            from ..steps import require_vectors

            require_vectors(lib, MAP_FACET_EMBED_KIND[facet])   # says which step is missing, if one is
    return backtest_arrays(got["method"], got["result"], paper_dates(lib), before, k=k, m=m, rare_max=rare_max,
                           map_k=map_k, seeds=seeds, per_cluster=per_cluster, progress=progress, cancel=cancel)
