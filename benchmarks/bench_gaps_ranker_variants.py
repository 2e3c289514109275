"""Ranker variants for the concept backtest, chosen on a validation date inside the data before the first
test date: the learned ranker trained on one earlier slice (the default, horizon h), on a slice half as
long (h/2), on both stacked; logistic regression, gradient boosting and their rank average. ROC-AUC (and
its margin over the best network baseline) and precision@20 / @50 over the quality-filtered candidates.

usage: python benchmarks/bench_gaps_ranker_variants.py LIBRARY
  (validation 2025-09-01 with links formed before 2025-11-01, then tests 2025-11-01 and 2026-01-01 with
  the backtest's horizons 114 and 144 days, for the 10,653-paper library)
"""
import sys, pickle, time, numpy as np
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'core'))
from gapscope.gaps import linkpred as lp
from gapscope.gaps.linkpred import expected_precision_at_k as pk
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from gapscope.store import Library
from gapscope.concepts import load_concept_set
from gapscope.maps.build import paper_dates
from gapscope.gaps.concept_backtest import abstract_vectors
lib = Library(sys.argv[1], create=False)
cs, dates, pv = load_concept_set(lib), paper_dates(lib), abstract_vectors(lib)
cache = {}
def block(d):
    if d not in cache:
        b = lp.pair_block(cs, dates, d, paper_vecs=pv); c = lp.candidates(b, 0); cache[d] = (b, c)
    return cache[d]
def labelled(d, hi):
    b, c = block(d); y = (lp.formed(cs, dates, b, d, hi) >= 1)[c]; return b.X[c], y
def lr(): return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
def hgb(): return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=200, l2_regularization=1.0, random_state=0)
for test, hi, h in [("2025-09-01", "2025-11-01", 90), ("2025-11-01", "9999", 114), ("2026-01-01", "9999", 144)]:
    Xte, yte = labelled(test, hi)
    b, c = block(test)
    out = {k: (roc_auc_score(yte, v[c]), pk(v[c], yte, 20)) for k, v in b.baselines.items() if k != "random"}
    best = max(v[0] for v in out.values())
    print(test, "n", len(yte), yte.sum(), "baselines", {k: (round(a, 4), round(p, 2)) for k, (a, p) in out.items()}, flush=True)
    t1 = lp._shift(test, -h); X1, y1 = labelled(t1, test)
    t2 = lp._shift(test, -h // 2); X2, y2 = labelled(t2, test)
    res = {}
    for name, (Xtr, ytr) in {"single": (X1, y1), "half": (X2, y2), "stack": (np.concatenate([X1, X2]), np.concatenate([y1, y2]))}.items():
        for mn, mk in (("lr", lr), ("hgb", hgb)):
            m = mk().fit(Xtr, ytr); s = m.predict_proba(Xte)[:, 1]; res[(name, mn)] = s
            print(f"   {name:6s} {mn:3s} auc {roc_auc_score(yte, s):.4f} ({roc_auc_score(yte, s) - best:+.4f}) p20 {pk(s, yte, 20):.2f} p50 {pk(s, yte, 50):.2f}", flush=True)
    for name in ("single", "stack"):
        s = rankdata(res[(name, "lr")]) + rankdata(res[(name, "hgb")])
        print(f"   {name:6s} ens auc {roc_auc_score(yte, s):.4f} ({roc_auc_score(yte, s) - best:+.4f}) p20 {pk(s, yte, 20):.2f} p50 {pk(s, yte, 50):.2f}", flush=True)
