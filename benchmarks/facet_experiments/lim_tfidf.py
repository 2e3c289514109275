import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
OUT = os.environ.get("FACET_EXP_DIR", "/tmp/gapscope-facet-exp") + "/"
os.makedirs(OUT, exist_ok=True)
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from gapscope.facets.data import read_limitations
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
F = D + 'limitations/limitation-sentences-seed-semi.tsv'
tr, ho = read_limitations(F, 'train'), read_limitations(F, 'heldout')
for ng in [(1, 1), (1, 2), (1, 3)]:
    v = TfidfVectorizer(ngram_range=ng, sublinear_tf=True, min_df=2)
    X = v.fit_transform([s.text for s in tr]); Xh = v.transform([s.text for s in ho])
    for C in [1, 4, 16]:
        lr = LogisticRegression(C=C, max_iter=2000, class_weight='balanced').fit(X, [s.positive for s in tr])
        p = lr.predict(Xh); g = [s.positive for s in ho]
        print(ng, C, 'f1 %.3f p %.3f r %.3f' % (f1_score(g, p), precision_score(g, p), recall_score(g, p)))
print(len(tr), len(ho), sum(s.positive for s in tr), sum(s.positive for s in ho))
