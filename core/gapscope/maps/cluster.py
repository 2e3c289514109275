"""Spherical k-means (FAISS), the choice of k, and per-cluster stability across seeds.

Pure functions: float32 arrays in, labels / centroids / scores out. Nothing here reads a library.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, abandonable, check, report

MAX_AUTO_K = 80          # a map a person can read; the user may ask for more with --k
SILHOUETTE_SAMPLE = 2000
CHOOSE_K_SAMPLE = 5000   # k is chosen on a seeded sample; the final map uses every paper
# k is a property of the data, not of the map's seed: choosing it with the map's seed made maps of the
# same papers jump between k=30 and k=61 from one seed to the next, so it is chosen with this one
K_SEED = 0


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32, C order); unit rows are returned as they are, uncopied."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    head = np.linalg.norm(x[:256], axis=1) if len(x) else np.ones(1)
    if np.all(np.abs(head - 1.0) < 1e-4) and np.all(np.abs(np.linalg.norm(x[-256:], axis=1) - 1.0) < 1e-4):
        return x
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


@dataclass
class KMeansResult:
    k: int
    seed: int
    labels: np.ndarray       # int64, one per row
    centroids: np.ndarray    # float32 (k, d), unit length
    sims: np.ndarray         # cosine of each row to its centroid


def spherical_kmeans(x: np.ndarray, k: int, seed: int = 0, niter: int = 20,
                     points_per_centroid: int = 256, *, cancel=None) -> KMeansResult:
    """FAISS spherical k-means on unit vectors; deterministic for a given (data, k, seed). With ``cancel``
    the k-means (one faiss call that no token reaches: seconds on a big library) runs on a thread of its
    own and a Cancel does not wait for it (jobs.abandonable); the result is that one call's either way.
    It is not cut into runs of a few iterations from the last run's centroids: each run would normalise
    them again at its start, and start faiss's test of convergence afresh, which changes the clusters
    where centroids tie (more clusters than distinct points, tests/core/test_maps_cancel.py)."""
    import faiss

    x = normalize(x)
    n, d = x.shape
    k = int(max(1, min(k, n)))
    threads = _threads(n)
    # faiss trains on at most points_per_centroid points per centroid (its own seeded sample), then we
    # assign everyone
    km = faiss.Kmeans(d, k, niter=niter, spherical=True, seed=int(seed) + 1, verbose=False,
                      min_points_per_centroid=1, max_points_per_centroid=points_per_centroid)

    def train() -> np.ndarray:
        faiss.omp_set_num_threads(threads)          # a thread's own setting: this may run on its own thread
        km.train(x)
        return km.centroids

    cent = normalize(abandonable(train, cancel, name="gapscope-kmeans"))
    check(cancel)
    sims, labels = assign(x, cent)
    return KMeansResult(k=k, seed=seed, labels=labels, centroids=cent, sims=sims)


def _threads(n: int) -> int:
    """OpenMP / BLAS threads for map building: one by default, because on a busy machine thread
    spinning costs more than it saves (measured: 600 points 0.001 s with 1 thread vs 1.9 s with 2; 40k
    points 5.6 s vs 10.8 s) and a map build should not starve the desktop app. $GAPSCOPE_THREADS overrides."""
    env = os.environ.get("GAPSCOPE_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return 1


def assign(x: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid by cosine: (similarity, label) per row."""
    x = normalize(x)
    sims = x @ centroids.T
    labels = sims.argmax(axis=1).astype(np.int64)
    return sims[np.arange(len(x)), labels].astype(np.float32), labels


def prior_k(n: int) -> int:
    """The sqrt(n/2) rule of thumb, capped so a map stays readable."""
    return int(min(MAX_AUTO_K, max(2, round(math.sqrt(n / 2)))))


def candidate_ks(n: int) -> list[int]:
    k0 = prior_k(n)
    ks = {max(2, min(n - 1, round(k0 * f))) for f in (0.3, 0.5, 0.75, 1.0)}
    return sorted(k for k in ks if 2 <= k < n)


def silhouette_cosine(x: np.ndarray, labels: np.ndarray, sample: int = SILHOUETTE_SAMPLE, seed: int = 0) -> float:
    """Mean cosine silhouette on a seeded sample (exact silhouette is O(n^2))."""
    n = len(x)
    rng = np.random.default_rng(seed)
    idx = rng.choice(n, size=min(n, sample), replace=False) if n > sample else np.arange(n)
    xs, ls = normalize(x[idx]), labels[idx]
    if len(np.unique(ls)) < 2:
        return -1.0
    dist = 1.0 - xs @ xs.T
    uniq, inv = np.unique(ls, return_inverse=True)
    onehot = np.zeros((len(ls), len(uniq)), dtype=np.float32)
    onehot[np.arange(len(ls)), inv] = 1.0
    counts = onehot.sum(axis=0)
    mean_d = (dist @ onehot)  # sum of distances to each cluster
    own = inv
    a_cnt = counts[own] - 1
    a = np.where(a_cnt > 0, mean_d[np.arange(len(ls)), own] / np.maximum(a_cnt, 1), 0.0)
    mean_d = mean_d / counts[None, :]
    mean_d[np.arange(len(ls)), own] = np.inf
    b = mean_d.min(axis=1)
    s = np.where(a_cnt > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-9), 0.0)
    return float(s.mean())


def choose_k(x: np.ndarray, seed: int = 0, ks: Optional[Sequence[int]] = None,
             *, progress: Optional[ProgressFn] = None, cancel=None) -> tuple[int, dict[int, float]]:
    """k from the data: candidates around sqrt(n/2), scored by cosine silhouette on a sample.

    Returns (best k, {k: silhouette}). Small k has an edge on silhouette in text embeddings, so a k
    within 0.01 of the best that is larger wins (finer maps at equal quality)."""
    n = len(x)
    if n < 6:
        return max(1, min(2, n)), {}
    ks = list(ks) if ks else candidate_ks(n)
    if n > CHOOSE_K_SAMPLE:
        x = x[np.sort(np.random.default_rng(seed).choice(n, CHOOSE_K_SAMPLE, replace=False))]
    scores: dict[int, float] = {}
    for i, k in enumerate(ks):
        check(cancel)
        res = spherical_kmeans(x, k, seed=seed, niter=10, cancel=cancel)
        scores[k] = silhouette_cosine(x, res.labels, seed=seed)
        report(progress, i + 1, len(ks), f"k={k}: silhouette {scores[k]:.3f}")
    best = max(scores.values())
    k = max(kk for kk, s in scores.items() if s >= best - 0.01)
    return k, scores


def match_jaccard(ref: np.ndarray, other: np.ndarray, k_ref: int) -> np.ndarray:
    """Per reference cluster: Jaccard with its Hungarian-matched cluster in ``other`` (0 if unmatched)."""
    from scipy.optimize import linear_sum_assignment

    k_other = int(other.max()) + 1 if len(other) else 0
    overlap = np.zeros((k_ref, max(k_other, 1)), dtype=np.float64)
    np.add.at(overlap, (ref, other), 1.0)
    size_r = np.bincount(ref, minlength=k_ref).astype(np.float64)
    size_o = np.bincount(other, minlength=overlap.shape[1]).astype(np.float64)
    union = size_r[:, None] + size_o[None, :] - overlap
    jac = np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0)
    rows, cols = linear_sum_assignment(-jac)
    out = np.zeros(k_ref, dtype=np.float64)
    out[rows] = jac[rows, cols]
    return out


# below this a cluster "depends on the seed" (docs/maps.md, the stability table; the Maps view's red)
UNSTABLE_BELOW = 0.3


def cluster_stability(ref_labels: np.ndarray, k: int, other_labelings: Sequence[np.ndarray], *,
                      cancel=None) -> np.ndarray:
    """Mean matched Jaccard of each reference cluster over the other labelings, in [0, 1]."""
    if not other_labelings:
        return np.ones(k)
    matched = []
    for o in other_labelings:
        check(cancel)
        matched.append(match_jaccard(ref_labels, o, k))
    return np.mean(matched, axis=0)


def stability_runs(x: np.ndarray, k: int, seed: int, runs: int = 3, *, cancel=None) -> list[np.ndarray]:
    """Labelings of the same data with ``runs`` other seeds (seed+1 ...)."""
    out = []
    for r in range(1, runs + 1):
        check(cancel)
        # fewer iterations and training points than the map itself: this only asks whether the
        # same groups come back, then every paper is assigned to the nearest centroid
        out.append(spherical_kmeans(x, k, seed=seed + 1000 * r, niter=10, points_per_centroid=128,
                                    cancel=cancel).labels)
    return out
