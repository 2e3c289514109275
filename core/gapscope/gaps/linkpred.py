"""Link prediction between method concepts and problem concepts, in the spirit of Science4Cast (Krenn et al.,
Nature Machine Intelligence 2023), whose strongest entries learnt a model over pair features on an earlier
time split: the concept graph (two concepts linked when a paper names both) up to a date, features of every
unconnected (method, problem) pair, and a logistic regression trained on an earlier slice of the same
library (features from the papers before T1 = T - horizon, label = the link formed in [T1, T)); the pairs
are then scored with the features at T. Nothing dated on or after T enters the training or the features.

Features of a pair (m, p) (FEATURES): papers and graph degree of each end, preferential attachment,
popularity, common neighbours, Adamic-Adar, resource allocation, Jaccard, paths of length 3, cosine of the
concepts' phrase vectors and of their papers' mean abstract vector, how many of m's nearest method concepts
already link to p (and of p's nearest problem concepts to m), each end's growth and the neighbours it
gained in the last RECENT_DAYS, their papers' overlap over topic clusters (k-means of the abstracts before
T) and the papers expected to name both if each topic mixed concepts at random, and a low-rank (SVD of the
PPMI graph) proximity. With fewer than 5 links formed in the training slice a fixed blend ranks (the
result says so: ``fallback``).

Measured on the 10,653-paper library (benchmarks/results/gaps): gradient boosting over the same features
scored below the logistic regression out of time (its count thresholds learnt on the smaller earlier graph
do not carry over to the later one), and in-sample cross-validation of either model reaches about the same
ROC-AUC as the out-of-time logistic regression: the features, not the model, bound the result. On the whole
74,566-paper library, with 10,230 links formed in the training slice, gradient boosting and the mean of both
models read within 0.002 of the logistic regression at a validation date (benchmarks/bench_gaps_ranker_models.py).
Temporal snapshot features (growth of each end's papers and degree and of the pair's common neighbours and
Adamic-Adar since 30, 60 and 90 days before, each concept's age) lowered the ROC-AUC at both validation dates on
the 10,653 papers, in sample too, and are not among FEATURES (benchmarks/bench_gaps_temporal_probe.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional

import numpy as np

from ..concepts.model import ConceptSet
from ..jobs import check, interruptible

FEATURES = ("log_papers_m", "log_papers_p", "log_degree_m", "log_degree_p", "log_pref_attachment",
            "log_popularity", "log_common_neighbours", "adamic_adar", "jaccard", "similarity",
            "neighbour_methods_link", "neighbour_problems_link", "growth_m", "growth_p", "papers_with_both",
            "content_similarity", "log_content_popularity",
            # added for the learned ranker: recent activity, more neighbourhood scores, topics, low rank
            "log_recent_popularity", "new_links_m", "new_links_p", "resource_allocation", "log_paths3",
            "log_topic_expected", "topic_overlap", "same_topic", "svd_score")
BASELINES = ("preferential_attachment", "common_neighbours", "adamic_adar", "popularity", "random")
NEIGHBOURS = 5
RECENT_DAYS = 60          # "recent" activity: papers and new neighbours in the last 60 days before the date
SVD_RANK = 32


@dataclass
class PairBlock:
    """Every (method, problem) pair of the concepts supported before ``before``: features (|M|, |P|, F)."""
    before: str
    m_idx: np.ndarray                    # indices into the concept set
    p_idx: np.ndarray
    X: np.ndarray                        # (|M|, |P|, len(FEATURES)) float32
    both: np.ndarray                     # (|M|, |P|) papers naming both before the date
    baselines: dict[str, np.ndarray]     # name -> (|M|, |P|) score
    # concept quality (concepts/quality.py), from the papers before the date: a concept a gap may name,
    # each concept's topic spread, and the pairs whose ends are one thing
    ok_m: Optional[np.ndarray] = None
    ok_p: Optional[np.ndarray] = None
    spread: Optional[np.ndarray] = None  # over all concepts of the set (nan where not computed)
    same: Optional[np.ndarray] = None    # (|M|, |P|) bool
    # concepts/pair_rules.py: abstracts before the date mentioning both (None without mentions), and the
    # pairs where one concept lies inside the other's area
    text_both: Optional[np.ndarray] = None
    contained: Optional[np.ndarray] = None
    # concepts/pair_rules.data_sets: which method / problem concepts are data sets (neither end of a gap)
    data_m: Optional[np.ndarray] = None
    data_p: Optional[np.ndarray] = None
    # concepts/pair_rules.components: method concepts that are building blocks (no method end of a gap)
    component_m: Optional[np.ndarray] = None
    # concepts/pair_rules.closeness_ranks (rule 5): how close each pair's ends are among the concepts each could be
    # paired with (0..1); a pair under ``plausible_min`` is in no neighbourhood of the other (0: no floor).
    # ``content``: every concept's unit mean abstract vector before the date (rows: the concept set)
    plausibility: Optional[np.ndarray] = None
    plausible_min: float = 0.0
    content: Optional[np.ndarray] = None
    closeness: Optional[tuple] = None    # (problem closer than, method closer than): pair_rules.closeness_ranks
    # concepts/pair_rules.techniques (rule 6): problem concepts that are techniques (no problem end of a gap)
    technique_p: Optional[np.ndarray] = None

    def quality_pairs(self) -> np.ndarray:
        """(|M|, |P|) bool: both ends may be named, they are two things, the text does not combine them
        already, neither lies inside the other's area, neither is a data set, the method is no building
        block, the problem no technique, and the pair is above the plausibility floor."""
        from ..concepts.pair_rules import joined_in_text

        ok = np.ones(self.both.shape, dtype=bool)
        if self.ok_m is not None:
            ok &= self.ok_m[:, None] & self.ok_p[None, :]
        if self.same is not None:
            ok &= ~self.same
        if self.text_both is not None:
            ok &= ~joined_in_text(self.text_both)
        if self.contained is not None:
            ok &= ~self.contained
        if self.data_m is not None:
            ok &= ~self.data_m[:, None] & ~self.data_p[None, :]
        if self.component_m is not None:
            ok &= ~self.component_m[:, None]
        if self.technique_p is not None:
            ok &= ~self.technique_p[None, :]
        if self.plausibility is not None and self.plausible_min > 0:
            ok &= self.plausibility >= self.plausible_min
        return ok


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


def _paper_matrix(rows_pid: np.ndarray, paper_vecs: Optional[tuple]) -> Optional[np.ndarray]:
    if paper_vecs is None or not len(paper_vecs[0]):
        return None
    at = {int(p): i for i, p in enumerate(paper_vecs[0])}
    pv = np.zeros((len(rows_pid), paper_vecs[1].shape[1]), np.float32)
    for r, p in enumerate(rows_pid):
        if int(p) in at:
            pv[r] = paper_vecs[1][at[int(p)]]
    return pv


def _topics(pv: np.ndarray, seed: int, k: int = 40) -> np.ndarray:
    """A topic per paper: k-means over the abstract vectors of the papers before the date only."""
    from sklearn.cluster import MiniBatchKMeans

    k = int(min(k, max(2, len(pv) // 50)))
    if len(pv) < 2 * k or k < 2:
        return np.zeros(len(pv), dtype=np.int64)
    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit(pv).labels_


def _svd_scores(co, mi: np.ndarray, pi: np.ndarray, seed: int) -> np.ndarray:
    """Low-rank proximity: the rank-``SVD_RANK`` factorisation of the positive PMI of the concept graph."""
    import scipy.sparse as sp
    from sklearn.utils.extmath import randomized_svd

    c = co.tocoo()
    if c.nnz == 0 or min(co.shape) <= SVD_RANK + 1:
        return np.zeros((len(mi), len(pi)), np.float32)
    tot = float(co.sum())
    rs = np.asarray(co.sum(axis=1)).ravel()
    pmi = np.maximum(np.log(c.data * tot / (rs[c.row] * rs[c.col])), 0)
    pp = sp.csr_matrix((pmi, (c.row, c.col)), shape=co.shape)
    u, s, vt = randomized_svd(pp, n_components=SVD_RANK, random_state=seed)
    return ((u[mi] * np.sqrt(s)) @ (vt.T[pi] * np.sqrt(s)).T).astype(np.float32)


def pair_block(cs: ConceptSet, dates: Mapping[int, Optional[str]], before: str, *, min_support: int = 5,
               start: str = "0000", max_per_kind: int = 3000, paper_vecs: Optional[tuple] = None,
               seed: int = 0, mentions: Optional[Mapping[int, frozenset]] = None,
               plausible_min: float = 0.0, cancel=None) -> PairBlock:
    """Features of every (method, problem) pair from the papers dated before ``before`` ONLY (nothing
    later enters: the counts, the graph, the topics and the concept quality all read the papers before
    the date). ``paper_vecs`` = (paper ids, abstract vectors): each concept's content is the mean vector of
    its papers and topics are k-means clusters of them; without them the phrase vectors stand in and the
    topic features are 0. ``mentions`` = {concept id: papers whose text mentions it}
    (concepts/pair_rules.py): the pairs their papers before the date mention together are not candidates.
    ``plausible_min``: the plausibility floor (concepts/pair_rules.py, rule 5; 0: none). ``cancel`` is read
    between the feature groups (each up to a few seconds on 10,000 papers), the k-means cut short by Ctrl-C."""
    from ..concepts.pair_rules import closeness_ranks

    vec = cs.vectors()
    g = _Graph(cs, dates, start, before)
    check(cancel)
    kinds = np.array([c.kind for c in cs.concepts])

    def pick(kind):
        idx = np.flatnonzero((kinds == kind) & (g.n >= min_support))
        return idx[np.argsort(-g.n[idx], kind="stable")][:max_per_kind]

    mi, pi = np.sort(pick("method")), np.sort(pick("problem"))
    cn, aa, ra, p3 = _neighbourhood_scores(g, mi, pi, cancel)
    check(cancel)
    both = g.co[mi][:, pi].toarray().astype(np.float32)
    pa = np.outer(g.deg[mi], g.deg[pi]).astype(np.float32)
    pop = np.outer(g.n[mi], g.n[pi]).astype(np.float32)
    union = g.deg[mi][:, None] + g.deg[pi][None, :] - cn
    jac = np.where(union > 0, cn / np.maximum(union, 1), 0).astype(np.float32)
    sim = (vec[mi] @ vec[pi].T).astype(np.float32)
    linked = (both > 0).astype(np.float32)
    nb_m = _nn_share(vec[mi] @ vec[mi].T, linked, NEIGHBOURS)
    nb_p = _nn_share(vec[pi] @ vec[pi].T, linked.T, NEIGHBOURS).T
    check(cancel)
    growth = _growth(cs, dates, start, before, g.n)
    n_rec, new_links = _recent_activity(cs, dates, start, before, g.deg)
    # content: where the two concepts' papers sit (the mean abstract vector of each concept's papers);
    # "content popularity" = papers x papers x cosine, a popularity that only counts within a region
    pv = _paper_matrix(g.rows_pid, paper_vecs)
    cent = np.asarray(g.a.T @ pv) if pv is not None else vec * g.n[:, None]
    cent = cent / np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
    csim = (cent[mi] @ cent[pi].T).astype(np.float32)
    cpop = np.log1p(pop) + 4.0 * csim
    check(cancel)
    tf = _topic_features(g.a, pv, seed, mi, pi, cn.shape, len(cs.concepts), cancel=cancel)
    with interruptible(cancel):
        svd = _svd_scores(g.co, mi, pi, seed)
    X = _feature_stack([
        np.broadcast_to(np.log1p(g.n[mi])[:, None], cn.shape), np.broadcast_to(np.log1p(g.n[pi])[None, :], cn.shape),
        np.broadcast_to(np.log1p(g.deg[mi])[:, None], cn.shape), np.broadcast_to(np.log1p(g.deg[pi])[None, :], cn.shape),
        np.log1p(pa), np.log1p(pop), np.log1p(cn), aa, jac, sim, nb_m, nb_p,
        np.broadcast_to(growth[mi][:, None], cn.shape), np.broadcast_to(growth[pi][None, :], cn.shape), both,
        csim, cpop,
        np.log1p(np.outer(n_rec[mi], n_rec[pi])), np.broadcast_to(new_links[mi][:, None], cn.shape),
        np.broadcast_to(new_links[pi][None, :], cn.shape), ra, np.log1p(p3), tf.expected, tf.overlap, tf.same_topic, svd,
    ], cn.shape, cancel)
    rng = np.random.default_rng(0)
    baselines = {"preferential_attachment": pa, "common_neighbours": cn, "adamic_adar": aa, "popularity": pop,
                 "random": rng.random(cn.shape).astype(np.float32)}
    ok_m, ok_p, same = _nameable_ends(cs, vec, mi, pi, tf.spread, g.n)
    check(cancel)
    rules = _text_rules(cs, dates, start, before, mi, pi, mentions, tf.spread, cancel=cancel)
    closer = closeness_ranks(csim)
    check(cancel)
    return PairBlock(before, mi, pi, X, both, baselines, ok_m, ok_p, tf.spread, same, rules["text_both"], tf.inside,
                     rules["data_m"], rules["data_p"], rules["component_m"], np.minimum(*closer),
                     float(plausible_min or 0.0), cent.astype(np.float32), closer, technique_p=rules["technique_p"])


def _feature_stack(columns: list, shape: tuple, cancel=None) -> np.ndarray:
    """The (|M|, |P|, features) float32 matrix, filled a feature at a time (the values np.stack(...).astype
    gives; seconds on 10,000 papers, so ``cancel`` is read between features)."""
    X = np.empty((*shape, len(columns)), np.float32)
    for k, col in enumerate(columns):
        check(cancel)
        X[..., k] = col
    check(cancel)
    return X


class _Graph:
    """The concept graph from the papers dated in [start, before): the incidence (papers x concepts, and
    each row's paper id), papers per concept, co-occurrence counts, and each concept's degree."""

    def __init__(self, cs: ConceptSet, dates: Mapping[int, Optional[str]], start: str, before: str):
        self.a, self.rows_pid = _incidence(cs, dates, start, before, with_rows=True)
        self.n = np.asarray(self.a.sum(axis=0)).ravel()
        co = (self.a.T @ self.a).tocsr()
        co.setdiag(0)
        co.eliminate_zeros()
        self.co = co
        b = co.copy()
        b.data[:] = 1.0
        self.b = b
        self.deg = np.asarray(b.sum(axis=1)).ravel()


def _neighbourhood_scores(g: _Graph, mi: np.ndarray, pi: np.ndarray, cancel=None) -> tuple[np.ndarray, ...]:
    """Common neighbours, Adamic-Adar, resource allocation and paths of length 3 of every pair."""
    bm, bp = g.b[mi], g.b[pi]
    cn = (bm @ bp.T).toarray().astype(np.float32)
    check(cancel)
    inv = 1.0 / np.log(np.maximum(g.deg, 2.0))
    aa = (bm.multiply(inv[None, :]).tocsr() @ bp.T).toarray().astype(np.float32)
    check(cancel)
    ra = (bm.multiply(1.0 / np.maximum(g.deg, 1.0)[None, :]).tocsr() @ bp.T).toarray().astype(np.float32)
    check(cancel)
    p3 = ((bm @ g.b) @ bp.T).toarray().astype(np.float32)
    return cn, aa, ra, p3


def _growth(cs: ConceptSet, dates, start: str, before: str, n: np.ndarray) -> np.ndarray:
    """Each concept's share of papers in the last third of the time before the date, against the whole
    library's share there (log ratio, smoothed)."""
    ds = sorted(d for d in (dates.get(p) or "" for p in dates) if d and start <= d < before)
    third = ds[int(len(ds) * 2 / 3)] if ds else before
    r = np.asarray(_incidence(cs, dates, third, before).sum(axis=0)).ravel()
    base = (sum(1 for d in ds if d >= third) + 1) / (len(ds) + 1)
    return np.log((r + 0.5) / (n + 1.0) / base)


def _recent_activity(cs: ConceptSet, dates, start: str, before: str, deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each concept's papers in the last RECENT_DAYS before the date, and the neighbours it gained in them."""
    t_prev = _shift(before, -RECENT_DAYS)
    n_rec = np.asarray(_incidence(cs, dates, t_prev, before).sum(axis=0)).ravel()
    a_old = _incidence(cs, dates, start, t_prev)
    g_old = (a_old.T @ a_old).tocsr()
    g_old.setdiag(0)
    g_old.eliminate_zeros()
    deg_old = np.asarray((g_old > 0).sum(axis=1)).ravel()
    return n_rec, np.log1p(np.maximum(deg - deg_old, 0))


@dataclass
class _TopicFeatures:
    expected: np.ndarray     # papers expected to name both if each topic mixed its concepts at random (log1p)
    overlap: np.ndarray      # the overlap of the two concepts' topic mixes
    same_topic: np.ndarray   # 1 where their main topic is one
    inside: Optional[np.ndarray]   # pair_rules.contained: one concept inside the other's area
    spread: np.ndarray       # each concept's spread over the coarse areas (nan where not computed)


def _topic_features(a, pv: Optional[np.ndarray], seed: int, mi: np.ndarray, pi: np.ndarray, shape: tuple,
                    n_concepts: int, cancel=None) -> _TopicFeatures:
    """Topics of the papers before the date (k-means of their abstract vectors) and what they say of each
    pair; zeros without abstract vectors."""
    import scipy.sparse as sp

    from ..concepts.pair_rules import contained
    from ..concepts.quality import GENERIC_AREAS, topic_spread

    spread = np.full(n_concepts, np.nan)
    if pv is None or len(pv) < 4:
        zero = np.zeros(shape, np.float32)
        return _TopicFeatures(zero, zero, zero, None, spread)
    with interruptible(cancel):       # seconds of k-means on 10,000 abstracts
        lab = _topics(pv, seed)
    k = int(lab.max()) + 1
    z = sp.csr_matrix((np.ones(len(lab), np.float32), (np.arange(len(lab)), lab)), shape=(len(lab), k))
    tc = np.asarray((a.T @ z).todense(), dtype=np.float64)          # concepts x topics
    nt = np.asarray(z.sum(axis=0)).ravel()
    texp = np.log1p((tc[mi] / np.maximum(nt, 1)) @ tc[pi].T).astype(np.float32)
    tn = np.sqrt(tc / np.maximum(tc.sum(axis=1, keepdims=True), 1))
    tover = (tn[mi] @ tn[pi].T).astype(np.float32)
    same_topic = (tc[mi].argmax(axis=1)[:, None] == tc[pi].argmax(axis=1)[None, :]).astype(np.float32)
    inside = contained(tc[mi], tc[pi], nt)
    # generic-ness over coarse areas (vision, language, robotics...): a specific concept's few papers
    # fall in one or two of them, a generic one's anywhere
    with interruptible(cancel):
        lab = _topics(pv, seed, GENERIC_AREAS)
    z = sp.csr_matrix((np.ones(len(lab), np.float32), (np.arange(len(lab)), lab)), shape=(len(lab), int(lab.max()) + 1))
    ac = np.asarray((a.T @ z).todense(), dtype=np.float64)
    sel = np.concatenate([mi, pi])
    spread[sel] = topic_spread(ac[sel], np.asarray(z.sum(axis=0)).ravel())
    return _TopicFeatures(texp, tover, same_topic, inside, spread)


def _nameable_ends(cs: ConceptSet, vec: np.ndarray, mi: np.ndarray, pi: np.ndarray, spread: np.ndarray,
                   n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which method and problem concepts a gap may name (concepts/quality.py: a concept, not generic, no
    bare property; a problem no model and no metric), and the pairs whose ends are one thing."""
    from ..concepts.quality import generic, refused_end, same_thing_matrix

    too_generic = generic(spread, n)

    def ok(idx):
        return np.array([not too_generic[i] and not refused_end(cs.concepts[i].phrase, cs.concepts[i].kind)
                         for i in idx], dtype=bool)

    same = same_thing_matrix([cs.concepts[i] for i in mi], [cs.concepts[j] for j in pi], vec[mi], vec[pi])
    return ok(mi), ok(pi), same


def _text_rules(cs: ConceptSet, dates, start: str, before: str, mi: np.ndarray, pi: np.ndarray,
                mentions: Optional[Mapping[int, frozenset]], spread: np.ndarray,
                cancel=None) -> dict[str, Optional[np.ndarray]]:
    """What the abstracts before the date say (concepts/pair_rules.py): the pairs they mention together,
    the concepts they name as data sets, the methods that are building blocks, the problems that are
    techniques; all None without ``mentions``."""
    from ..concepts.pair_rules import co_mentions, components, data_sets, techniques

    out: dict[str, Optional[np.ndarray]] = dict.fromkeys(("text_both", "data_m", "data_p", "component_m", "technique_p"))
    if mentions is None:
        return out
    earlier = {int(p) for p, d in dates.items() if d and start <= d < before}
    methods, problems = [cs.concepts[i] for i in mi], [cs.concepts[j] for j in pi]
    out["text_both"] = co_mentions(mentions, [c.id for c in methods], [c.id for c in problems], earlier)
    check(cancel)
    as_data = getattr(mentions, "as_data", None)
    if as_data is not None:
        out["data_m"] = data_sets(methods, mentions, as_data, earlier)
        out["data_p"] = data_sets(problems, mentions, as_data, earlier)
    in_aim = getattr(mentions, "in_aim", None)
    if in_aim is not None:
        out["component_m"] = components(methods, spread[mi], in_aim, earlier)
    as_technique, as_task = getattr(mentions, "as_technique", None), getattr(mentions, "as_task", None)
    if as_technique is not None and as_task is not None:
        out["technique_p"] = techniques(problems, mentions, as_technique, as_task, earlier)
    return out


def formed(cs: ConceptSet, dates: Mapping[int, Optional[str]], block: PairBlock, lo: str, hi: str) -> np.ndarray:
    """Papers dated in [lo, hi) naming both concepts of each pair of ``block``."""
    a = _incidence(cs, dates, lo, hi)
    return (a[:, block.m_idx].T @ a[:, block.p_idx]).toarray().astype(np.float32)


RANKER_MODELS = ("lr", "gbm", "lr+gbm")
RANKER_MODEL = "lr"


class Ranker:
    """A classifier over the FEATURES, trained on one earlier slice: ``model`` "lr" (logistic regression
    over the standardised features), "gbm" (gradient-boosted trees) or "lr+gbm" (the mean of both
    probabilities); falls back to a fixed blend (popularity within a region) when the slice has too few
    positive pairs."""

    def __init__(self, seed: int = 0, model: str = RANKER_MODEL):
        if model not in RANKER_MODELS:
            raise ValueError(f"unknown ranker model {model!r}: one of {', '.join(RANKER_MODELS)}")
        self.seed = seed
        self.kind = model
        self.models: list = []
        self.info: dict = {}

    def _classifiers(self) -> list:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        out = []
        if "lr" in self.kind.split("+"):
            out.append(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0)))
        if "gbm" in self.kind.split("+"):
            # shallow trees, large leaves: the count thresholds must carry over to the later, larger graph
            out.append(HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                                      min_samples_leaf=200, l2_regularization=1.0,
                                                      random_state=self.seed))
        return out

    def fit(self, X: np.ndarray, y: np.ndarray, max_rows: int = 400_000) -> "Ranker":
        pos = np.flatnonzero(y)
        self.info = {"train_pairs": int(len(y)), "train_positive": int(len(pos))}
        if len(pos) < 5:
            self.info["fallback"] = "fewer than 5 links formed in the training slice: a fixed feature blend ranks"
            return self
        neg = np.flatnonzero(~y)
        rng = np.random.default_rng(self.seed)
        keep_neg = rng.choice(neg, size=min(len(neg), max(max_rows - len(pos), len(pos))), replace=False)
        rows = np.concatenate([pos, keep_neg])
        self.models = [m.fit(X[rows], y[rows]) for m in self._classifiers()]
        self.info["train_rows"] = int(len(rows))
        self.info["model"] = self.kind
        return self

    def score(self, X: np.ndarray) -> np.ndarray:
        if not self.models:
            f = {name: X[:, i] for i, name in enumerate(FEATURES)}
            return f["log_content_popularity"] + 0.1 * f["adamic_adar"] + 0.5 * f["neighbour_methods_link"]
        return np.mean([m.predict_proba(X)[:, 1] for m in self.models], axis=0)


def candidates(blk: PairBlock, rare_max: int, quality: bool = True) -> np.ndarray:
    """(|M|, |P|) bool: the pairs named together by at most ``rare_max`` papers before the date and (with
    ``quality``) whose two ends are concepts a gap may name and are two things."""
    cand = blk.both <= rare_max
    return cand & blk.quality_pairs() if quality else cand


def train_ranker(cs: ConceptSet, dates: Mapping[int, Optional[str]], before: str, *, horizon_days: int,
                 rare_max: int = 0, m: int = 1, min_support: int = 5, seed: int = 0,
                 paper_vecs: Optional[tuple] = None, quality: bool = True,
                 mentions: Optional[Mapping[int, frozenset]] = None,
                 plausible_min: float = 0.0, model: str = RANKER_MODEL, cancel=None) -> tuple[Ranker, dict]:
    """The ranker for predictions at ``before``: trained on features before ``before - horizon_days`` and
    the links that formed between then and ``before``. ``cancel`` is read in the features and around the fit."""
    t1 = _shift(before, -horizon_days)
    blk = pair_block(cs, dates, t1, min_support=min_support, paper_vecs=paper_vecs, seed=seed, mentions=mentions,
                     plausible_min=plausible_min, cancel=cancel)
    cand = candidates(blk, rare_max, quality)
    # the label: links formed in [t1, before); nothing on or after ``before`` is read
    y = (formed(cs, dates, blk, t1, before) >= m)[cand]
    with interruptible(cancel):
        r = Ranker(seed, model).fit(blk.X[cand], y)
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
