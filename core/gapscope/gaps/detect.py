"""Gap detectors. Pure: maps (cluster assignments, centroids, labels), vectors and dates in, gaps out.

- method x problem: link prediction over the bipartite graph of method clusters and problem (result)
  clusters, edge weight = papers having both. A pair that rarely meets scores high when the method's
  nearest neighbouring methods (cosine between centroids) do meet that problem and the problem's
  nearest neighbouring problems do meet that method.
- unaddressed shortcoming: a shortcoming cluster stated by many papers, with few method sentences of
  later papers close to it (without concepts; with them, one problem concept: shortcoming_concepts.py).
- thin and growing: a stable topic region of low density (kNN similarity) whose share of recent papers
  rises; with concepts, named by the one concept its papers share (region_names.py).
"""

from __future__ import annotations

import math
from typing import Mapping, Optional, Sequence

import numpy as np

from ..maps.cluster import UNSTABLE_BELOW, normalize
from ..maps.model import Map, stability_text
from .model import Gap, ClusterRef
from .region_names import region_concept
from .span import MIN_LATER_PAPERS, SHORTCOMING_WHAT, SpanTooShort, require_shortcoming_span


def _ref(m: Map, cid: int) -> ClusterRef:
    c = m.cluster(cid)
    return ClusterRef(facet=m.facet, map_id=m.id, cluster=cid, label=c.label, keywords=list(c.keywords))


UNSTABLE_FACTOR = 0.5     # a map-level gap on an unstable cluster ranks at this share of its score
SHORTCOMING_WEAK_BELOW = 0.1   # a shortcoming cluster this unstable (its papers together in under a tenth of the
                               # reclusterings: "datasets, training", 4 papers, 0.05) states no one shortcoming


def _stability_note(c) -> str:
    """The note after the label of a cluster that depends on the clustering's random start (stability below
    UNSTABLE_BELOW, docs/maps.md): " (unstable cluster: stability 0.02)"; else ""."""
    return f" (unstable cluster: stability {stability_text(c.stability)})" if _unstable(c) else ""


def _unstable(c) -> bool:
    return c.stability is not None and float(c.stability) < UNSTABLE_BELOW


def _stability_details(c) -> dict:
    return {"stability": round(float(c.stability), 3), "unstable": _unstable(c)} if c.stability is not None else {}


def _nearest_members(m: Map, cid: int, n: int, among: Optional[set] = None) -> list[int]:
    mem = [p for p, c in m.assignments.items() if c == cid and (among is None or p in among)]
    mem.sort(key=lambda p: -m.sims.get(p, 0.0))
    return mem[:n]


# --- method x problem ------------------------------------------------------------------------------
def bipartite_graph(method: Map, problem: Map):
    """networkx bipartite graph: ('m', i) -- ('p', j), weight = papers whose method sentences fall in i
    and whose result sentences fall in j; each edge keeps its papers."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from((("m", c.id) for c in method.clusters), bipartite=0)
    g.add_nodes_from((("p", c.id) for c in problem.clusters), bipartite=1)
    for pid, i in method.assignments.items():
        j = problem.assignments.get(pid)
        if j is None:
            continue
        e = g.get_edge_data(("m", i), ("p", j))
        if e is None:
            g.add_edge(("m", i), ("p", j), weight=1, papers=[pid])
        else:
            e["weight"] += 1
            e["papers"].append(pid)
    return g


def cooccurrence(method: Map, problem: Map, graph=None) -> np.ndarray:
    import networkx as nx

    g = graph if graph is not None else bipartite_graph(method, problem)
    rows = [("m", c.id) for c in method.clusters]
    cols = [("p", c.id) for c in problem.clusters]
    w = nx.bipartite.biadjacency_matrix(g, row_order=rows, column_order=cols, weight="weight")
    return np.asarray(w.todense(), dtype=np.float64)


def link_prediction(w: np.ndarray, method_centroids: np.ndarray, neighbours: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Predicted co-occurrence count of every (method, problem) pair from the method's neighbours:
    pred[i, j] = n_i * sum_l s_il * w[l, j] / n_l / sum_l s_il over the ``neighbours`` nearest
    method clusters l (cosine s_il between centroids). Returns (pred, neighbour index (km, nb))."""
    km = len(w)
    n = w.sum(axis=1)
    rate = np.divide(w, n[:, None], out=np.zeros_like(w), where=n[:, None] > 0)
    s = method_centroids @ method_centroids.T
    np.fill_diagonal(s, -np.inf)
    nb = min(neighbours, km - 1)
    if nb <= 0:
        return np.zeros_like(w), np.zeros((km, 0), dtype=int)
    idx = np.argsort(-s, axis=1)[:, :nb]
    sw = np.clip(np.take_along_axis(s, idx, axis=1), 0.0, None) + 1e-6
    pred_rate = (sw[:, :, None] * rate[idx]).sum(axis=1) / sw.sum(axis=1, keepdims=True)
    return pred_rate * n[:, None], idx


def two_sided_prediction(w: np.ndarray, method_centroids: np.ndarray, problem_centroids: np.ndarray,
                         neighbours: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Link prediction from both sides of the bipartite graph: what the method's neighbouring methods
    predict for the problem, and what the problem's neighbouring problems predict for the method,
    combined by geometric mean (both sides must agree). Returns (pred, method neighbour index)."""
    pred_m, idx = link_prediction(w, method_centroids, neighbours)
    pred_p, _ = link_prediction(w.T, problem_centroids, neighbours)
    return np.sqrt(np.maximum(pred_m, 0.0) * np.maximum(pred_p.T, 0.0)), idx


def pair_candidates(w: np.ndarray, min_size: int, rare_max: int) -> np.ndarray:
    """Boolean (km, kp): both clusters well populated (>= min_size papers with both facets) and the
    pair rarely meets (<= rare_max papers)."""
    n_m, n_p = w.sum(axis=1), w.sum(axis=0)
    return (n_m[:, None] >= min_size) & (n_p[None, :] >= min_size) & (w <= rare_max)


def default_min_size(n_papers: int) -> int:
    return int(max(3, round(0.004 * n_papers)))


def pick_pairs(score: np.ndarray, cand: np.ndarray, top: int, per_cluster: Optional[int] = 2,
               tiebreak: Optional[np.ndarray] = None) -> list[tuple[int, int]]:
    """The ``top`` best candidate (method, problem) pairs by ``score``, each method cluster and each problem
    cluster in at most ``per_cluster`` of them (None: no cap). Equal scores go in ``tiebreak`` order
    (default: pair index, so a list is reproducible). The gap list and the backtest both use this rule."""
    flat = np.flatnonzero(cand.ravel())
    if len(flat) == 0 or top <= 0:
        return []
    s = score.ravel()[flat]
    tb = flat if tiebreak is None else tiebreak.ravel()[flat]
    order = flat[np.lexsort((tb, -s))]
    cols = score.shape[1]
    if per_cluster is None:
        return [(int(f // cols), int(f % cols)) for f in order[:top]]
    out: list[tuple[int, int]] = []
    used_m: dict[int, int] = {}
    used_p: dict[int, int] = {}
    for f in order.tolist():
        i, j = divmod(f, cols)
        if used_m.get(i, 0) >= per_cluster or used_p.get(j, 0) >= per_cluster:
            continue
        used_m[i] = used_m.get(i, 0) + 1
        used_p[j] = used_p.get(j, 0) + 1
        out.append((i, j))
        if len(out) == top:
            break
    return out


def method_x_problem_statement(method_label: str, n_method: int, problem_label: str, n_problem: int, both: int,
                               such: str, predicted: float) -> str:
    both_text = "no paper does both" if both == 0 else f"only {both} paper{'s' if both > 1 else ''} {'do' if both > 1 else 'does'} both"
    return (f"Methods about \u201c{method_label}\u201d ({n_method} papers) are rarely applied to results about "
            f"\u201c{problem_label}\u201d ({n_problem} papers): {both_text}, although neighbouring methods{such} "
            f"do; the neighbours of both clusters predict about {max(1, round(predicted))} such papers.")


def method_x_problem(method: Map, problem: Map, *, neighbours: int = 5, rare_max: int = 1,
                     min_size: Optional[int] = None, top: int = 50, evidence_n: int = 3,
                     per_cluster: int = 2) -> list[Gap]:
    """The ``top`` best rare pairs, each method cluster and each problem cluster in at most
    ``per_cluster`` of them (else one big problem cluster fills the list with near-repeats)."""
    g = bipartite_graph(method, problem)
    w = cooccurrence(method, problem, g)
    both = sum(1 for p in method.assignments if p in problem.assignments)
    min_size = default_min_size(both) if min_size is None else min_size
    pred, nb_idx = two_sided_prediction(w, method.centroids(), problem.centroids(), neighbours)
    raw = pred - w
    cand = pair_candidates(w, min_size, rare_max) & (raw > 0)
    gaps: list[Gap] = []
    n_m, n_p = w.sum(axis=1), w.sum(axis=0)
    for i, j in pick_pairs(raw, cand, top, per_cluster):
        mi, pj = method.clusters[i].id, problem.clusters[j].id
        nbs = [int(l) for l in nb_idx[i] if w[l, j] > 0]
        nbs.sort(key=lambda l: -w[l, j])
        nb_labels = [method.clusters[l].label for l in nbs[:2]]
        mref, pref = _ref(method, mi), _ref(problem, pj)
        such = (" such as " + " and ".join(f"\u201c{x}\u201d" for x in nb_labels)) if nb_labels else ""
        statement = method_x_problem_statement(mref.label, int(n_m[i]), pref.label, int(n_p[j]), int(w[i, j]),
                                               such, float(pred[i, j]))
        ev_m = _nearest_members(method, mi, evidence_n)
        ev_p = _nearest_members(problem, pj, evidence_n)
        bridge: list[int] = []
        for l in nbs[:2]:
            papers = (g.get_edge_data(("m", method.clusters[l].id), ("p", pj)) or {}).get("papers", [])
            bridge += sorted(papers, key=lambda p: -method.sims.get(p, 0.0))[:1]
        roles = {p: "method" for p in ev_m}
        roles.update({p: "problem" for p in ev_p if p not in roles})
        roles.update({p: "neighbour" for p in bridge if p not in roles})
        gaps.append(Gap(type="method_x_problem", score=float(raw[i, j]), statement=statement, method=mref,
                        problem=pref, evidence=list(roles), roles=roles,
                        details={"cooccurring": int(w[i, j]), "predicted": round(float(pred[i, j]), 3),
                                 "method_size": int(n_m[i]), "problem_size": int(n_p[j]),
                                 "neighbour_clusters": [method.clusters[l].id for l in nbs[:5]],
                                 "neighbours": neighbours, "rare_max": rare_max, "min_size": min_size,
                                 "raw_score": round(float(raw[i, j]), 4)}))
    return gaps


# --- unaddressed shortcoming -----------------------------------------------------------------------
def unaddressed_shortcoming(shortcoming: Map, method_ids: np.ndarray, method_vecs: np.ndarray,
                            dates: Mapping[int, Optional[str]], *, min_size: Optional[int] = None,
                            top: int = 30, evidence_n: int = 5, quantile: float = 0.25,
                            own_only: Optional[set] = None, notices: Optional[list[str]] = None) -> list[Gap]:
    """Shortcoming clusters (prior work's, the field's open problems, papers' own) by how many papers state
    them and how few later papers address them with a method.

    A later paper (published after the cluster's median date) addresses it when its method sentences are
    close to it (cosine to the shortcoming centroid at least the ``quantile`` of the cluster's own members'
    similarity) or when it states the shortcoming itself (a member of the cluster) and has method sentences:
    an abstract that opens "LVLMs still suffer from object hallucination" and goes on to propose a method
    addresses it, however far its method sentences read from the centroid (method and shortcoming sentences
    are written differently). ``own_only``: papers whose shortcoming sentences are all their own limitations
    ("our method does not handle ..."): stating those is no addressing. A paper that addresses it is
    evidence as such, never as one stating it. Raises SpanTooShort (saying what it needs) when the papers
    span too little time or too few shortcomings have later papers to compare. When no later method comes
    close to most shortcomings (so none stands out), returns none and says so in ``notices``: a longer
    span would not change that."""
    if not shortcoming.clusters or len(method_ids) == 0:
        return []
    # 'later' needs time: a library listed on one day has no later paper, and a rate over none means nothing
    require_shortcoming_span({int(p): dates.get(int(p)) for p in [*shortcoming.assignments, *method_ids]})
    min_size = default_min_size(len(shortcoming.assignments)) if min_size is None else min_size
    cent = shortcoming.centroids()
    mv = normalize(method_vecs)
    msims = mv @ cent.T                                   # (n_method, k)
    mdates = np.array([dates.get(int(p)) or "" for p in method_ids])
    mpos = {int(p): k for k, p in enumerate(method_ids)}
    own_only = own_only or set()
    stats = []
    too_few_later = 0
    weak = []
    for ci, c in enumerate(shortcoming.clusters):
        mem = [p for p, cc in shortcoming.assignments.items() if cc == c.id]
        if len(mem) < min_size:
            continue
        if c.stability is not None and float(c.stability) < SHORTCOMING_WEAK_BELOW:
            weak.append(c)
            continue
        mdts = sorted(d for d in (dates.get(p) or "" for p in mem) if d)
        if not mdts:
            too_few_later += 1
            continue
        median = mdts[len(mdts) // 2]
        tau = float(np.quantile([shortcoming.sims.get(p, 0.0) for p in mem], quantile))
        later = (mdates != "") & (mdates > median)
        if int(later.sum()) < MIN_LATER_PAPERS:   # too few later papers to say whether any addressed it
            too_few_later += 1
            continue
        close = later & (msims[:, ci] >= tau)
        # later papers stating it and proposing a method (not stating only their own limitation) address it
        stating = np.zeros(len(method_ids), dtype=bool)
        stating[[mpos[p] for p in mem if p in mpos and p not in own_only]] = True
        close |= later & stating
        stats.append((ci, c, mem, median, tau, int(later.sum()), close, stating))
    if weak and notices is not None:
        notices.append(f"{len(weak)} shortcoming cluster{'s' if len(weak) != 1 else ''} too unstable to state one "
                       f"shortcoming (stability below {SHORTCOMING_WEAK_BELOW}) ended no gap: "
                       + ", ".join(f"\u201c{c.label}\u201d ({stability_text(c.stability)})"
                                   for c in weak[:5]))
    if len(stats) < 3:   # 'against the typical shortcoming' means nothing with one or two clusters
        if too_few_later:
            raise SpanTooShort(
                f"cannot tell {SHORTCOMING_WHAT}: only {len(stats)} of {len(stats) + too_few_later} shortcomings have "
                f"{MIN_LATER_PAPERS} or more method papers listed after the papers stating them; comparing them "
                "needs 3 (papers listed over a longer time)")
        return []
    # how often later methods come close, per stating paper, for the typical shortcoming cluster
    rates = [int(cl.sum()) / len(mem) for _, _, mem, _, _, _, cl, _ in stats]
    typical = float(np.median(rates))
    if typical <= 0:     # most shortcomings have no close later method: none stands out as unaddressed
        if notices is not None:
            notices.append(f"no 'unaddressed shortcoming' gaps: no later method paper comes close to most of the"
                           f" {len(stats)} shortcomings, so none stands out as less addressed than the others")
        return []
    out: list[tuple[float, Gap]] = []
    for (ci, c, mem, median, tau, n_later, close, stating), rate in zip(stats, rates):
        if rate >= typical:      # addressed as often as the typical shortcoming or more: not unaddressed
            continue
        addressed = int(close.sum())
        # an unstable cluster (it depends on the clustering's seed) is said so and ranked lower
        raw = math.log1p(len(mem)) * math.exp(-rate / typical) * (UNSTABLE_FACTOR if _unstable(c) else 1.0)
        ref = _ref(shortcoming, c.id)
        # those that state it and propose a method first (the plainest case), then the closest methods
        at = np.flatnonzero(close)
        addr_ids = [int(method_ids[k]) for k in at[np.lexsort((-msims[at, ci], ~stating[at]))][:3]]
        addressing = {int(method_ids[k]) for k in at}
        ev = [p for p in _nearest_members(shortcoming, c.id, evidence_n + len(addressing)) if p not in addressing]
        roles = {p: "shortcoming" for p in ev[:evidence_n]}
        roles.update({p: "addresses" for p in addr_ids})
        does = ("none of the {n:,} papers listed after {d} addresses it (describes a method close to it, or states "
                "it and proposes a method)" if addressed == 0 else
                "only {a:,} of the {n:,} papers listed after {d} address it (describe a method close to it, or state "
                "it and propose a method)").format(a=addressed, n=n_later, d=median)
        example = (f" (e.g. \u201c{c.representative}\u201d"
                   + (f", {c.representative_where}" if c.representative_where else "") + ")"
                   if c.representative else "")
        statement = (f"{len(mem):,} papers state the shortcoming \u201c{ref.label}\u201d{_stability_note(c)}"
                     + example + f", yet {does}: {rate:.2f} per stating paper, against {typical:.2f} for the typical shortcoming.")
        out.append((raw, Gap(type="unaddressed_shortcoming", score=raw, statement=statement, method=None,
                             problem=ref, evidence=list(roles), roles=roles,
                             details={"stated_by": len(mem), "later_method_papers": n_later,
                                      "close_later_methods": addressed,
                                      # of them, later papers that state it themselves and propose a method
                                      "stating_later_methods": int((close & stating).sum()),
                                      "rate": round(rate, 4),
                                      "typical_rate": round(typical, 4), "threshold": round(tau, 4),
                                      "since": median, "raw_score": round(raw, 4), **_stability_details(c),
                                      # the statement's example sentence (find.quote_shortcomings drops one
                                      # a gap may not quote: gaps/quotes.py)
                                      "example": {"text": c.representative, "in_statement": example,
                                                  "paper_id": c.representative_paper}
                                      if example else None})))
    out.sort(key=lambda t: -t[0])
    return [g for _, g in out[:top]]


# --- thin and growing ------------------------------------------------------------------------------
def knn_density(vecs: np.ndarray, query_idx: np.ndarray, k: int = 10, base_n: int = 10000, seed: int = 0) -> np.ndarray:
    """Mean cosine to the k nearest neighbours among a seeded sample of ``base_n`` rows (excluding itself)."""
    import faiss

    from ..maps.cluster import _threads

    # one thread unless $GAPSCOPE_THREADS says otherwise: OpenMP spinning on a busy 2-core machine
    # made this search 2-3x slower than one thread
    faiss.omp_set_num_threads(_threads(len(vecs)))
    x = normalize(vecs)
    rng = np.random.default_rng(seed)
    base_idx = np.sort(rng.choice(len(x), size=min(len(x), base_n), replace=False))
    index = faiss.IndexFlatIP(x.shape[1])
    index.add(x[base_idx])
    kk = min(k + 1, len(base_idx))
    sims, nbr = index.search(x[query_idx], kk)
    self_hit = base_idx[nbr] == query_idx[:, None]
    sims = np.where(self_hit, np.nan, sims)
    return np.nanmean(sims[:, :k + 1], axis=1)


def recent_split(dates: Sequence[str], recent_share: float = 1 / 3) -> str:
    """The date from which the last ``recent_share`` of papers were listed."""
    ds = sorted(d for d in dates if d)
    return ds[int(len(ds) * (1 - recent_share))] if ds else ""


def thin_growing(topic: Map, ids: np.ndarray, vecs: np.ndarray, dates: Mapping[int, Optional[str]], *,
                 min_size: Optional[int] = None, top: int = 30, evidence_n: int = 5, per_cluster: int = 200,
                 seed: int = 0, min_growth: float = 1.2, concepts=None, mentions=None,
                 refused: frozenset = frozenset(), notices: Optional[list[str]] = None) -> list[Gap]:
    """Clusters in the lower half of density whose share of recent papers grew by ``min_growth`` or more.
    An unstable cluster (stability below UNSTABLE_BELOW: its papers fall together only in some reclusterings)
    is no region and ends no gap. With ``concepts`` (a ConceptSet; ``mentions``: {concept: papers naming it},
    ``refused``: concept ids no gap may name) a region is named by the one concept its papers share
    (gaps/region_names.py), its keywords the context; a region no concept names ends no gap. What was
    left out goes in ``notices``."""
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) < 10 or not topic.clusters:
        return []
    min_size = default_min_size(len(ids)) if min_size is None else min_size
    pos = {int(p): i for i, p in enumerate(ids)}
    rng = np.random.default_rng(seed)
    members = {c.id: [p for p in topic.members(c.id) if p in pos] for c in topic.clusters}
    sample = {cid: (rng.choice(m, size=per_cluster, replace=False).tolist() if len(m) > per_cluster else m)
              for cid, m in members.items()}
    q = np.array([pos[p] for m in sample.values() for p in m], dtype=np.int64)
    dens_all = knn_density(vecs, q, seed=seed)
    dens, at = {}, 0
    for cid, m in sample.items():
        dens[cid] = float(np.nanmean(dens_all[at:at + len(m)])) if m else float("nan")
        at += len(m)
    split = recent_split([dates.get(int(p)) or "" for p in ids])
    if not split:
        return []
    is_recent = {int(p): (dates.get(int(p)) or "") >= split for p in ids}
    n_recent = sum(is_recent.values())
    n_early = len(ids) - n_recent
    valid = [d for d in dens.values() if np.isfinite(d)]
    if not valid or not n_recent or not n_early:
        return []
    dens_sorted = np.sort(valid)
    out: list[tuple[float, Gap]] = []
    unstable, unnamed = [], []
    for c in topic.clusters:
        m = members[c.id]
        if len(m) < min_size or not np.isfinite(dens[c.id]):
            continue
        r = sum(is_recent[p] for p in m)
        e = len(m) - r
        share_r, share_e = r / n_recent, (e + 0.5) / n_early
        growth = share_r / share_e
        pct = float(np.searchsorted(dens_sorted, dens[c.id])) / len(dens_sorted)
        if pct >= 0.5 or growth < min_growth:
            continue
        if _unstable(c):
            unstable.append(c)
            continue
        named = None
        if concepts is not None:
            named = region_concept(set(m), concepts, mentions, refused)
            if named is None:
                unnamed.append(c)
                continue
        raw = (growth - 1.0) * (1.0 - pct)
        ref = _ref(topic, c.id)
        recent_members = {p for p in m if is_recent[p]}
        # the recent papers naming the region's concept first: they show what grows
        ev = _nearest_members(topic, c.id, evidence_n, among=recent_members & named[1] if named else recent_members)
        ev += [p for p in _nearest_members(topic, c.id, evidence_n, among=recent_members) if p not in ev]
        roles = {p: "region" for p in ev[:evidence_n]}
        dens_text = (f"density in the lowest {max(1, round(100 * (pct + 1 / len(dens_sorted))))}% of the map) whose "
                     f"share of new papers rose from {100 * e / n_early:.2f}% to {100 * share_r:.2f}% (since {split}): "
                     f"it is growing but still sparse.")
        if named:
            concept, naming = named
            context = [k for k in ref.keywords if k.lower() != concept.phrase.lower()][:3]
            statement = (f"\u201c{concept.phrase}\u201d"
                         + (" (with " + ", ".join(f"\u201c{k}\u201d" for k in context) + ")" if context else "")
                         + f" is a thinly covered region ({len(m)} papers, {len(naming)} of them naming "
                         f"{concept.phrase}; {dens_text}")
            ref = ClusterRef(facet=ref.facet, map_id=ref.map_id, cluster=ref.cluster, label=concept.phrase,
                             keywords=ref.keywords)
        else:
            statement = f"\u201c{ref.label}\u201d is a thinly covered region ({len(m)} papers, {dens_text}"
        out.append((raw, Gap(type="thin_growing", score=raw, statement=statement, method=None, problem=ref,
                             evidence=list(roles), roles=roles,
                             details={"size": len(m), "density": round(dens[c.id], 4), "density_percentile": round(pct, 3),
                                      "growth": round(growth, 3), "recent_since": split, "recent": r, "earlier": e,
                                      "raw_score": round(raw, 4), **_stability_details(c),
                                      **({"level": "concept", "region_concept": named[0].phrase,
                                          "naming_papers": len(named[1]), "cluster_label": topic.cluster(c.id).label}
                                         if named else {})})))
    if notices is not None:
        for left, why in ((unstable, f"unstable (stability below {UNSTABLE_BELOW}: their papers fall together only "
                                     "in some reclusterings)"),
                          (unnamed, "named by no one concept most of their papers share")):
            if left:
                notices.append(f"{len(left)} thin and growing region{'s' if len(left) != 1 else ''} {why} ended no "
                               "gap: " + ", ".join(f"\u201c{c.label}\u201d" for c in left[:5]))
    out.sort(key=lambda t: -t[0])
    return [g for _, g in out[:top]]
