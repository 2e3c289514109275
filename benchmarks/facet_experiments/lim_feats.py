import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
OUT = os.environ.get("FACET_EXP_DIR", "/tmp/gapscope-facet-exp") + "/"
os.makedirs(OUT, exist_ok=True)
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
from gapscope.facets.data import read_limitations
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from scipy.sparse import hstack, csr_matrix
F = D + 'limitations/limitation-sentences-seed-semi.tsv'
tr, ho = read_limitations(F, 'train'), read_limitations(F, 'heldout')
Ztr, Zho = np.load(OUT + 'lim_train.npz')['span'], np.load(OUT + 'lim_heldout.npz')['span']
g = [s.positive for s in ho]; y = [s.positive for s in tr]
v = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
X = v.fit_transform([s.text for s in tr]); Xh = v.transform([s.text for s in ho])
for layers in [[6], [3], [2, 4, 6], [1, 2, 3, 4, 5, 6]]:
    E = Ztr[:, layers].reshape(len(tr), -1); Eh = Zho[:, layers].reshape(len(ho), -1)
    mu, sd = E.mean(0), E.std(0) + 1e-6; E = (E - mu) / sd; Eh = (Eh - mu) / sd
    for C in [0.01, 0.05]:
        for withtf in (0, 1):
            A = hstack([csr_matrix(E), X * 3]).tocsr() if withtf else E
            Ah = hstack([csr_matrix(Eh), Xh * 3]).tocsr() if withtf else Eh
            lr = LogisticRegression(C=C, max_iter=3000, class_weight='balanced').fit(A, y)
            pr = lr.predict_proba(Ah)[:, 1]
            best = max((f1_score(g, pr > t), t) for t in np.arange(0.3, 0.8, 0.05))
            p = pr > 0.5
            print(layers, C, withtf, 'f1 %.3f p %.3f r %.3f | best-thr %.3f@%.2f' % (f1_score(g, p), precision_score(g, p), recall_score(g, p), *best), flush=True)
