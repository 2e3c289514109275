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
from sklearn.metrics import f1_score
F = D + 'limitations/limitation-sentences-seed-semi.tsv'
tr, ho = read_limitations(F, 'train'), read_limitations(F, 'heldout')
Ztr, Zho = np.load(OUT + 'lim_train.npz')['span'], np.load(OUT + 'lim_heldout.npz')['span']
g = np.array([s.positive for s in ho]); y = np.array([s.positive for s in tr])
v = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
X = v.fit_transform([s.text for s in tr]); Xh = v.transform([s.text for s in ho])
pt = LogisticRegression(C=4, max_iter=3000, class_weight='balanced').fit(X, y).predict_proba(Xh)[:, 1]
for layers in [[3], [2, 3], [3, 4], [1, 2, 3], [2, 3, 4], [2, 4, 6], [3, 6]]:
    E = Ztr[:, layers].reshape(len(tr), -1); Eh = Zho[:, layers].reshape(len(ho), -1)
    mu, sd = E.mean(0), E.std(0) + 1e-6; E = (E - mu) / sd; Eh = (Eh - mu) / sd
    pe = LogisticRegression(C=0.02, max_iter=3000, class_weight='balanced').fit(E, y).predict_proba(Eh)[:, 1]
    print(layers, 'emb %.3f ens %.3f' % (f1_score(g, pe > .5), f1_score(g, (pe + pt) / 2 > .5)), flush=True)
import csv
rows = {}
with open(F, encoding='utf-8', newline='') as fh:
    for n, r in enumerate(csv.DictReader(fh, delimiter='\t', quoting=csv.QUOTE_NONE), 2): rows[f'{F.split("/")[-1]}:{n}'] = r
sp = np.array([rows[s.key]['split'] for s in ho])
for name in ('SEED', 'SEMI'):
    m = sp == name
    print(name, m.sum(), g[m].sum(), 'tfidf %.3f' % f1_score(g[m], pt[m] > .5), 'ens %.3f' % f1_score(g[m], ((pe + pt) / 2)[m] > .5))
