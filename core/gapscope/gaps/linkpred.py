"""Link prediction between method concepts and problem concepts, in the spirit of Science4Cast (Krenn et al.,
Nature Machine Intelligence 2023): the concept graph (two concepts linked when a paper names both) up to a
date, network features for every unconnected (method, problem) pair, and a small gradient-boosting ranker
trained on an earlier slice of the same library (features before T1, label = the link formed in [T1, T)).

Features of a pair (m, p): papers of each, graph degree of each, preferential attachment, popularity,
common neighbours, Adamic-Adar, Jaccard, cosine of the concepts' embeddings, how many of m's nearest
method concepts already link to p (and of p's nearest problem concepts to m), and each concept's growth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional

import numpy as np

from ..concepts.model import ConceptSet

FEATURES = ("log_papers_m", "log_papers_p", "log_degree_m", "log_degree_p", "log_pref_attachment",
            "log_popularity", "log_common_neighbours", "adamic_adar", "jaccard", "similarity",
            "neighbour_methods_link", "neighbour_problems_link", "growth_m", "growth_p", "papers_with_both",
            "content_similarity", "log_content_popularity")
BASELINES = ("preferential_attachment", "common_neighbours", "adamic_adar", "popularity", "random")
NEIGHBOURS = 5


@dataclass
class PairBlock:
    """Every (method, problem) pair of the concepts supported before ``before``: features (|M|, |P|, F)."""
    before: str
    m_idx: np.ndarray                    # indices into the concept set
    p_idx: np.ndarray
    X: np.ndarray                        # (|M|, |P|, len(FEATURES)) float32
    both: np.ndarray                     # (|M|, |P|) papers naming both before the date
    baselines: dict[str, np.ndarray]     # name -> (|M|, |P|) score


def _incidence(cs: ConceptSet, dates: Mapping[int, Optional[str]], lo: str, hi: str, with_rows: bool = False):
    """Sparse (papers dated in [lo, hi)) x concepts, 0/1 (and the paper id of each row)."""
    import scipy.sparse as sp

    rows, cols, pid_row = [], [], {}
    for j, c in enumerate(cs.concepts):
        for p in c.papers:
            d = dates.get(p) or ""
            if d and lo <= d < hi:
                r = pid_row.setdefault(p, len(pid_row))
                rows.append(r)
                cols.append(j)
    a = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(pid_row), len(cs.concepts)))
    a.data[:] = 1.0
    a.sum_duplicates()
    a.data[:] = 1.0
    if with_rows:
        return a, np.array(list(pid_row), dtype=np.int64)
    return a


def _shift(d: str, days: int) -> str:
    return (date.fromisoformat(d[:10]) + timedelta(days=days)).isoformat()


def _nn_share(sim: np.ndarray, linked: np.ndarray, k: int) -> np.ndarray:
    """For each row i: the similarity-weighted share of its k most similar rows (itself excluded) that are
    ``linked`` to each column."""
    s = sim.copy()
    np.fill_diagonal(s, -np.inf)
    k = min(k, max(1, s.shape[0] - 1))
    nb = np.argpartition(-s, k - 1, axis=1)[:, :k] if s.shape[0] > 1 else np.zeros((s.shape[0], 0), int)
    w = np.clip(np.take_along_axis(s, nb, axis=1), 0, None) if nb.size else np.zeros_like(nb, dtype=float)
    out = np.zeros(linked.shape, np.float32)
    for t in range(nb.shape[1]):
        out += w[:, t:t + 1] * linked[nb[:, t]]
    return out / np.maximum(w.sum(axis=1, keepdims=True), 1e-9)


def pair_block(cs: ConceptSet, dates: Mapping[int, Optional[str]], before: str, *, min_support: int = 5,
               start: str = "0000", max_per_kind: int = 3000, paper_vecs: Optional[tuple] = None) -> PairBlock:
    """``paper_vecs`` = (paper ids, abstract vectors): each concept's content is the mean vector of its
    papers before the date; without them the phrase vectors stand in."""
    vec = cs.vectors()
    a, rows_pid = _incidence(cs, dates, start, before, with_rows=True)
    n = np.asarray(a.sum(axis=0)).ravel()
    co = (a.T @ a).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    b = co.copy()
    b.data[:] = 1.0
    deg = np.asarray(b.sum(axis=1)).ravel()
    kinds = np.array([c.kind for c in cs.concepts])

    def pick(kind):
        idx = np.flatnonzero((kinds == kind) & (n >= min_support))
        return idx[np.argsort(-n[idx], kind="stable")][:max_per_kind]

    mi, pi = np.sort(pick("method")), np.sort(pick("problem"))
    bm, bp = b[mi], b[pi]
    cn = (bm @ bp.T).toarray().astype(np.float32)
    inv = 1.0 / np.log(np.maximum(deg, 2.0))
    aa = (bm.multiply(inv[None, :]).tocsr() @ bp.T).toarray().astype(np.float32)
    both = co[mi][:, pi].toarray().astype(np.float32)
    pa = np.outer(deg[mi], deg[pi]).astype(np.float32)
    pop = np.outer(n[mi], n[pi]).astype(np.float32)
    union = deg[mi][:, None] + deg[pi][None, :] - cn
    jac = np.where(union > 0, cn / np.maximum(union, 1), 0).astype(np.float32)
    sim = (vec[mi] @ vec[pi].T).astype(np.float32)
    linked = (both > 0).astype(np.float32)
    nb_m = _nn_share(vec[mi] @ vec[mi].T, linked, NEIGHBOURS)
    nb_p = _nn_share(vec[pi] @ vec[pi].T, linked.T, NEIGHBOURS).T
    # growth: share of a concept's papers in the last third of the time before the date, against the
    # whole library's share there (log ratio, smoothed)
    ds = sorted(d for d in (dates.get(p) or "" for p in dates) if d and start <= d < before)
    third = ds[int(len(ds) * 2 / 3)] if ds else before
    a_recent = _incidence(cs, dates, third, before)
    r = np.asarray(a_recent.sum(axis=0)).ravel()
    base = (sum(1 for d in ds if d >= third) + 1) / (len(ds) + 1)
    growth = np.log((r + 0.5) / (n + 1.0) / base)
    # content: where the two concepts' papers sit (the mean abstract vector of each concept's papers);
    # "content popularity" = papers x papers x cosine, a popularity that only counts within a region
    if paper_vecs is not None and len(paper_vecs[0]):
        at = {int(p): i for i, p in enumerate(paper_vecs[0])}
        pv = np.zeros((len(rows_pid), paper_vecs[1].shape[1]), np.float32)
        for r, p in enumerate(rows_pid):
            if int(p) in at:
                pv[r] = paper_vecs[1][at[int(p)]]
        cent = np.asarray(a.T @ pv)
    else:
        cent = vec * n[:, None]
    cent = cent / np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
    csim = (cent[mi] @ cent[pi].T).astype(np.float32)
    cpop = np.log1p(pop) + 4.0 * csim
    X = np.stack([
        np.broadcast_to(np.log1p(n[mi])[:, None], cn.shape), np.broadcast_to(np.log1p(n[pi])[None, :], cn.shape),
        np.broadcast_to(np.log1p(deg[mi])[:, None], cn.shape), np.broadcast_to(np.log1p(deg[pi])[None, :], cn.shape),
        np.log1p(pa), np.log1p(pop), np.log1p(cn), aa, jac, sim, nb_m, nb_p,
        np.broadcast_to(growth[mi][:, None], cn.shape), np.broadcast_to(growth[pi][None, :], cn.shape), both,
        csim, cpop,
    ], axis=-1).astype(np.float32)
    rng = np.random.default_rng(0)
    baselines = {"preferential_attachment": pa, "common_neighbours": cn, "adamic_adar": aa, "popularity": pop,
                 "random": rng.random(cn.shape).astype(np.float32)}
    return PairBlock(before, mi, pi, X, both, baselines)


def formed(cs: ConceptSet, dates: Mapping[int, Optional[str]], block: PairBlock, lo: str, hi: str) -> np.ndarray:
    """Papers dated in [lo, hi) naming both concepts of each pair of ``block``."""
    a = _incidence(cs, dates, lo, hi)
    return (a[:, block.m_idx].T @ a[:, block.p_idx]).toarray().astype(np.float32)


class Ranker:
    """Logistic regression over the standardised FEATURES, trained on one earlier slice; falls back to a
    fixed blend (popularity within a region) when the slice has too few positive pairs. (Gradient boosting
    scored lower on the 10,653-paper library: its count thresholds learnt on the smaller earlier graph do
    not carry over to the larger one; see benchmarks/results/gaps.)"""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.model = None
        self.info: dict = {}

    def fit(self, X: np.ndarray, y: np.ndarray, max_rows: int = 400_000) -> "Ranker":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        pos = np.flatnonzero(y)
        self.info = {"train_pairs": int(len(y)), "train_positive": int(len(pos))}
        if len(pos) < 5:
            self.info["fallback"] = "fewer than 5 links formed in the training slice: a fixed feature blend ranks"
            return self
        neg = np.flatnonzero(~y)
        rng = np.random.default_rng(self.seed)
        keep_neg = rng.choice(neg, size=min(len(neg), max(max_rows - len(pos), len(pos))), replace=False)
        rows = np.concatenate([pos, keep_neg])
        self.model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0))
        self.model.fit(X[rows], y[rows])
        self.info["train_rows"] = int(len(rows))
        return self

    def score(self, X: np.ndarray) -> np.ndarray:
        if self.model is None:
            f = {name: X[:, i] for i, name in enumerate(FEATURES)}
            return f["log_content_popularity"] + 0.1 * f["adamic_adar"] + 0.5 * f["neighbour_methods_link"]
        return self.model.predict_proba(X)[:, 1]


def train_ranker(cs: ConceptSet, dates: Mapping[int, Optional[str]], before: str, *, horizon_days: int,
                 rare_max: int = 0, m: int = 1, min_support: int = 5, seed: int = 0,
                 paper_vecs: Optional[tuple] = None) -> tuple[Ranker, dict]:
    """The ranker for predictions at ``before``: trained on features before ``before - horizon_days`` and
    the links that formed between then and ``before``."""
    t1 = _shift(before, -horizon_days)
    blk = pair_block(cs, dates, t1, min_support=min_support, paper_vecs=paper_vecs)
    cand = blk.both <= rare_max
    y = (formed(cs, dates, blk, t1, before) >= m)[cand]
    r = Ranker(seed).fit(blk.X[cand], y)
    r.info.update({"train_before": t1, "train_window": f"{t1} .. {before}",
                   "train_method_concepts": int(len(blk.m_idx)), "train_problem_concepts": int(len(blk.p_idx))})
    return r, r.info


def expected_precision_at_k(score: np.ndarray, y: np.ndarray, k: int) -> float:
    """Share of positives among the top ``k`` by ``score``; pairs tied at the k-th score count by their
    expected share (a random order of the ties), so equal scores give no arbitrary advantage."""
    if len(score) == 0:
        return 0.0
    k = min(k, len(score))
    kth = np.partition(-score, k - 1)[k - 1] * -1
    above = score > kth
    tied = score == kth
    need = k - int(above.sum())
    return float((y[above].sum() + need * (y[tied].mean() if tied.any() else 0.0)) / k)


def roc_auc(score: np.ndarray, y: np.ndarray) -> Optional[float]:
    from sklearn.metrics import roc_auc_score

    if y.all() or not y.any():
        return None
    return float(roc_auc_score(y, score))
