"""Logistic regressions on the limitation sentences (train split -> held-out articles): word n-gram TF-IDF,
frozen MiniLM hidden states (extract.py), and the two averaged; then F1 by sample type (SEED / SEMI)."""
import csv

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score

from common import LIMITATIONS, OUT, load_limitation_splits

tr, ho = load_limitation_splits()
g = np.array([s.positive for s in ho])
y = np.array([s.positive for s in tr])


def report(name, prob):
    p = prob > 0.5
    print(f"{name:40s} F1 {f1_score(g, p):.3f}  P {precision_score(g, p):.3f}  R {recall_score(g, p):.3f}", flush=True)


def balanced_lr(C, X, Xh):
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(X, y).predict_proba(Xh)[:, 1]


for ng in [(1, 1), (1, 2), (1, 3)]:
    v = TfidfVectorizer(ngram_range=ng, sublinear_tf=True, min_df=2)
    X, Xh = v.fit_transform([s.text for s in tr]), v.transform([s.text for s in ho])
    for C in [1, 4, 16]:
        report(f"tfidf {ng} C={C}", balanced_lr(C, X, Xh))

v = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
X, Xh = v.fit_transform([s.text for s in tr]), v.transform([s.text for s in ho])
p_tfidf = balanced_lr(4, X, Xh)
Ztr, Zho = np.load(OUT + "lim_train.npz")["span"], np.load(OUT + "lim_heldout.npz")["span"]
for layers in [[6], [3], [2, 3], [3, 4], [1, 2, 3], [2, 3, 4], [2, 4, 6], [3, 6], [1, 2, 3, 4, 5, 6]]:
    E, Eh = Ztr[:, layers].reshape(len(tr), -1), Zho[:, layers].reshape(len(ho), -1)
    mu, sd = E.mean(0), E.std(0) + 1e-6
    E, Eh = (E - mu) / sd, (Eh - mu) / sd
    for C in [0.01, 0.05]:
        p_emb = balanced_lr(C, E, Eh)
        report(f"layers {layers} C={C}", p_emb)
        report(f"layers {layers} C={C} + tfidf features",
               balanced_lr(C, hstack([csr_matrix(E), X * 3]).tocsr(), hstack([csr_matrix(Eh), Xh * 3]).tocsr()))
        report(f"layers {layers} C={C}, averaged with tfidf", (p_emb + p_tfidf) / 2)

# by sample type, for the tfidf + layers 2,3 average
E, Eh = Ztr[:, [2, 3]].reshape(len(tr), -1), Zho[:, [2, 3]].reshape(len(ho), -1)
mu, sd = E.mean(0), E.std(0) + 1e-6
avg = (balanced_lr(0.02, (E - mu) / sd, (Eh - mu) / sd) + p_tfidf) / 2
with open(LIMITATIONS, encoding="utf-8", newline="") as fh:
    kind = {f"{LIMITATIONS.rsplit('/', 1)[-1]}:{n}": r["split"]
            for n, r in enumerate(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 2)}
sp = np.array([kind[s.key] for s in ho])
for name in ("SEED", "SEMI"):
    m = sp == name
    print(f"{name}: {m.sum()} sentences, {g[m].sum()} POS; tfidf {f1_score(g[m], p_tfidf[m] > .5):.3f}, "
          f"tfidf + layers 2,3 averaged {f1_score(g[m], avg[m] > .5):.3f}")
