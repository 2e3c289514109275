"""Whether more pair features would lift the concept ranker (gaps/linkpred.py), read at a validation date before
the test dates (papers from --cutoff on are never read), information only: nothing here changes the ranker.

It builds the training block (features at T - horizon, label = links formed up to T) and the evaluation block
(features at T, label = links formed from T to the cutoff) exactly as the backtest does, then:
  - adds each group of candidate features to the shipped logistic regression, one group at a time:
      text       papers whose text mentions both concepts (one at most among the candidates: two make a pair
                 "already combined"), and common neighbours / Adamic-Adar in the graph of text mentions
      soft       papers of one concept whose abstract lies as close to the other's centre as its typical paper
      fit        a bilinear (Hadamard) logistic regression over the two concepts' content vectors, trained on
                 the pairs already linked before the date: which kinds of method go with which problems
      near       papers of m whose 10 nearest papers (abstract vectors, before the date) name p, and the
                 other way round: a co-occurrence smoothed over neighbouring papers
      authors    authors who wrote a paper naming m and another naming p (and the same weighted by 1/log of
                 the concepts each author touched): people carry a method from one problem to the next
      neighbours how many of m's 10 nearest method concepts by content already link to p (and of p's to m)
  ``--groups`` picks which (default: text, soft, fit; each also alone).
  - the ceiling of the shipped features: a model trained and scored on two halves of the evaluation block
    itself (in sample, so no drift between the dates), logistic regression and gradient boosting;
  - the ceiling of the concepts' own activity: the product of each concept's papers in the test window
    (known only afterwards) as the score.

usage: python benchmarks/bench_gaps_feature_probe.py --library L [--validate 2025-09-01] [--cutoff 2025-11-01]
    [--groups text,soft,fit] [--out benchmarks/results/gaps/feature-probe-NAME.txt]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def mention_graph(cs, mentions, earlier: set):
    """Papers x concepts (0/1) of the text mentions of the papers in ``earlier``."""
    import scipy.sparse as sp

    row_of, rows, cols = {}, [], []
    for j, c in enumerate(cs.concepts):
        for q in mentions.get(c.id, ()):
            if q in earlier:
                rows.append(row_of.setdefault(q, len(row_of)))
                cols.append(j)
    a = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(row_of), len(cs.concepts)))
    a.sum_duplicates()
    a.data[:] = 1.0
    return a


def text_features(cs, mentions, dates, at, mi, pi) -> list[np.ndarray]:
    a = mention_graph(cs, mentions, {int(p) for p, d in dates.items() if d and d < at})
    co = (a.T @ a).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    both = co[mi][:, pi].toarray()
    b = co.copy()
    b.data[:] = 1.0
    inv = 1.0 / np.log(np.maximum(np.asarray(b.sum(axis=1)).ravel(), 2.0))
    cn = (b[mi] @ b[pi].T).toarray()
    aa = (b[mi].multiply(inv[None, :]).tocsr() @ b[pi].T).toarray()
    return [np.log1p(both), np.log1p(cn), aa]


def soft_features(g, pv, mi, pi) -> list[np.ndarray]:
    """(|M|, |P|): papers of m (and of p) whose abstract is at least as close to the other concept's centre
    as the median paper of that concept."""
    pv = pv / np.maximum(np.linalg.norm(pv, axis=1, keepdims=True), 1e-9)
    cent = np.asarray(g.a.T @ pv)
    cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
    inc = g.a.tocsc()

    def near_count(src, dst):
        thr = np.array([np.median(pv[inc[:, j].nonzero()[0]] @ cent[j]) if inc[:, j].nnz else 1.0 for j in dst],
                       np.float32)
        out = np.zeros((len(src), len(dst)), np.float32)
        a_src = inc[:, src]
        for s in range(0, pv.shape[0], 8000):
            near = ((pv[s:s + 8000] @ cent[dst].T) >= thr[None, :]).astype(np.float32)
            out += a_src[s:s + 8000].T @ near
        return out

    return [np.log1p(near_count(mi, pi)), np.log1p(near_count(pi, mi).T)]


def fit_feature(g, content, mi, pi, seed: int) -> list[np.ndarray]:
    """A Hadamard logistic regression over content vectors: linked pairs before the date against unlinked ones."""
    from sklearn.linear_model import LogisticRegression

    linked = g.co[mi][:, pi].toarray() > 0
    rng = np.random.default_rng(seed)
    pos, neg = np.argwhere(linked), np.argwhere(~linked)
    pos = pos[rng.choice(len(pos), min(len(pos), 150_000), replace=False)]
    neg = neg[rng.choice(len(neg), min(len(neg), 4 * len(pos)), replace=False)]
    pairs = np.concatenate([pos, neg])
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    cm, cp = content[mi], content[pi]
    lr = LogisticRegression(max_iter=500).fit(cm[pairs[:, 0]] * cp[pairs[:, 1]], y)
    return [((cm * lr.coef_[0]) @ cp.T + lr.intercept_[0]).astype(np.float32)]


def near_features(g, pv, mi, pi, k: int = 10) -> list[np.ndarray]:
    """(|M|, |P|): papers of m whose k nearest papers name p (similarity-weighted share), and of p whose
    nearest papers name m, and their sum."""
    import faiss
    import scipy.sparse as sp

    pv = (pv / np.maximum(np.linalg.norm(pv, axis=1, keepdims=True), 1e-9)).astype(np.float32)
    index = faiss.IndexFlatIP(pv.shape[1])
    index.add(pv)
    sim, nearest = index.search(pv, k + 1)              # the first is the paper itself
    rows = np.repeat(np.arange(len(pv)), k)
    s = sp.csr_matrix((np.clip(sim[:, 1:].ravel(), 0, None), (rows, nearest[:, 1:].ravel())), shape=(len(pv),) * 2)
    s = sp.diags(1.0 / np.maximum(np.asarray(s.sum(axis=1)).ravel(), 1e-9)) @ s
    a = g.a.tocsr()
    smoothed = (s @ a).tocsc()
    am, ap = a[:, mi].tocsc(), a[:, pi].tocsc()
    m_near_p = (am.T @ smoothed[:, pi]).toarray()
    p_near_m = (smoothed[:, mi].T @ ap).toarray()
    return [np.log1p(m_near_p), np.log1p(p_near_m), np.log1p(m_near_p + p_near_m)]


def author_features(lib, g, mi, pi) -> list[np.ndarray]:
    """(|M|, |P|): authors with a paper naming m and one naming p before the date, plainly and weighted by
    1 / log of the concepts each author's papers name."""
    import scipy.sparse as sp

    row_of = {int(p): r for r, p in enumerate(g.rows_pid)}
    rows, cols, author_row = [], [], {}
    for pid, aid in lib._conn.execute("SELECT paper_id, author_id FROM paper_authors"):   # a benchmark reads the table
        if (r := row_of.get(pid)) is not None:
            rows.append(author_row.setdefault(aid, len(author_row)))
            cols.append(r)
    written = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(author_row), len(row_of)))
    touched = (written @ g.a).tocsc()
    touched.data[:] = 1.0
    spread = np.asarray(touched.sum(axis=1)).ravel()
    weighted = (sp.diags(1.0 / np.log(np.maximum(spread, 2.0))) @ touched).tocsc()
    return [np.log1p((touched[:, mi].T @ touched[:, pi]).toarray()), (weighted[:, mi].T @ touched[:, pi]).toarray()]


def neighbour_features(blk, k: int = 10) -> list[np.ndarray]:
    """(|M|, |P|): the share of m's k nearest method concepts by content linked to p, and of p's to m."""
    from gapscope.gaps.linkpred import _nn_share

    cm, cp = blk.content[blk.m_idx], blk.content[blk.p_idx]
    linked = (blk.both > 0).astype(np.float32)
    return [_nn_share(cm @ cm.T, linked, k), _nn_share(cp @ cp.T, linked.T, k).T]


GROUPS = ("text", "soft", "fit", "near", "authors", "neighbours")


def block_and_extras(lib, cs, dates, at, pv, mentions, plausible_min, seed, groups=("text", "soft", "fit")):
    from gapscope.gaps.linkpred import _Graph, _paper_matrix, pair_block

    t0 = time.perf_counter()
    blk = pair_block(cs, dates, at, paper_vecs=pv, seed=seed, mentions=mentions, plausible_min=plausible_min)
    g = _Graph(cs, dates, "0000", at)
    ppv = _paper_matrix(g.rows_pid, pv)
    make = {"text": lambda: text_features(cs, mentions, dates, at, blk.m_idx, blk.p_idx),
            "soft": lambda: soft_features(g, ppv, blk.m_idx, blk.p_idx),
            "fit": lambda: fit_feature(g, blk.content, blk.m_idx, blk.p_idx, seed),
            "near": lambda: near_features(g, ppv, blk.m_idx, blk.p_idx),
            "authors": lambda: author_features(lib, g, blk.m_idx, blk.p_idx),
            "neighbours": lambda: neighbour_features(blk)}
    extras = {name: [f.astype(np.float32) for f in make[name]()] for name in groups}
    return blk, extras, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--validate", default="2025-09-01")
    ap.add_argument("--cutoff", default="2025-11-01", help="the first test date: no paper from it on is read")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--groups", default="text,soft,fit", help=f"extra feature groups, of {', '.join(GROUPS)}")
    ap.add_argument("--out")
    a = ap.parse_args()
    groups = tuple(x for x in a.groups.split(",") if x)
    if unknown := set(groups) - set(GROUPS):
        ap.error(f"unknown feature groups: {', '.join(sorted(unknown))} (known: {', '.join(GROUPS)})")

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from gaps_inputs import validation_inputs

    from gapscope.concepts.pair_rules import PLAUSIBLE_MIN, TRAIN_PLAUSIBLE_MIN
    from gapscope.gaps.concept_backtest import above_floor_first, training_horizon
    from gapscope.gaps.linkpred import _incidence, _shift, candidates, expected_precision_at_k, formed, roc_auc
    from gapscope.gaps.span import require_backtest_span

    inputs = validation_inputs(a.library, a.cutoff)
    cs, dates, pv, mentions = inputs.concepts, inputs.dates, inputs.vectors, inputs.mentions
    first, last, _ = require_backtest_span(dates, a.validate)
    t1 = _shift(a.validate, -training_horizon(first, last, a.validate))
    lines = []

    def say(s):
        print(s, flush=True)
        lines.append(s)

    say(f"library {a.library}: {len(dates)} papers dated before {a.cutoff}; validation date {a.validate}, "
        f"training slice {t1} .. {a.validate}")
    tb, tx, s1 = block_and_extras(inputs.lib, cs, dates, t1, pv, mentions, TRAIN_PLAUSIBLE_MIN, a.seed, groups)
    eb, ex, s2 = block_and_extras(inputs.lib, cs, dates, a.validate, pv, mentions, 0.0, a.seed, groups)
    tc, ec = candidates(tb, 0), candidates(eb, 0)
    yt = (formed(cs, dates, tb, t1, a.validate) >= 1)[tc]
    ye = (formed(cs, dates, eb, a.validate, "9999") >= 1)[ec]
    above = (eb.plausibility >= PLAUSIBLE_MIN)[ec]
    say(f"blocks with the extra features: {s1:.0f} s + {s2:.0f} s; training candidates {tc.sum()} ({yt.sum()} "
        f"formed), evaluation candidates {ec.sum()} ({ye.sum()} formed)")
    base = {n: roc_auc(b[ec], ye) for n, b in eb.baselines.items()}
    best_name = max(base, key=lambda n: base[n] or 0.0)
    best = base[best_name]
    say(f"best baseline {best_name}: ROC-AUC {best:.4f} (P@20 "
        f"{expected_precision_at_k(eb.baselines[best_name][ec], ye, 20):.2f})")
    say(f"{'features':34s} {'ROC-AUC':>8s} {'margin':>7s} {'floor first':>11s} {'margin':>7s} {'P@20':>5s}")
    rng = np.random.default_rng(a.seed)

    def rows_of(y, n=400_000):
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        return np.concatenate([pos, rng.choice(neg, min(len(neg), max(n - len(pos), len(pos))), replace=False)])

    def lr():
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    def row(name, s):
        ff = above_floor_first(s, above)
        auc, auc_ff = roc_auc(s, ye), roc_auc(ff, ye)
        say(f"{name:34s} {auc:8.4f} {auc - best:+7.4f} {auc_ff:11.4f} {auc_ff - best:+7.4f} "
            f"{expected_precision_at_k(ff, ye, 20):5.2f}")

    def with_groups(groups, blk, extras, cand):
        cols = [blk.X[cand]] + [f[cand][:, None] for g_ in groups for f in extras[g_]]
        return np.concatenate(cols, axis=1)

    r = rows_of(yt)
    for chosen in ((), *((g_,) for g_ in groups), *((groups,) if len(groups) > 1 else ())):
        m = lr().fit(with_groups(chosen, tb, tx, tc)[r], yt[r])
        row("shipped" + "".join(f" + {g_}" for g_ in chosen), m.predict_proba(with_groups(chosen, eb, ex, ec))[:, 1])
    half = rng.permutation(len(ye))
    fit_rows, score_rows = half[:len(ye) // 2], half[len(ye) // 2:]
    fr = fit_rows[rows_of(ye[fit_rows], 300_000)]
    for name, m in (("logistic regression", lr()),
                    ("gradient boosting", HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05,
                                                                         max_leaf_nodes=31, min_samples_leaf=100,
                                                                         random_state=a.seed))):
        m.fit(eb.X[ec][fr], ye[fr])
        s = m.predict_proba(eb.X[ec][score_rows])[:, 1]
        say(f"ceiling, in sample ({name}): ROC-AUC {roc_auc(s, ye[score_rows]):.4f} on the other half")
    n_test = np.asarray(_incidence(cs, dates, a.validate, "9999").sum(axis=0)).ravel()
    act = np.log1p(n_test[eb.m_idx])[:, None] + np.log1p(n_test[eb.p_idx])[None, :]
    say(f"ceiling, each concept's papers in the test window known (popularity after the date): ROC-AUC "
        f"{roc_auc(act[ec], ye):.4f}")
    if a.out:
        Path(a.out).write_text("command: python " + " ".join(sys.argv) + "\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
