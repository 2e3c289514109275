"""Full-scale backtest on all 74,566 real cs papers with stand-in vectors (TF-IDF + SVD 128-d of the real
texts; crude keyword facet split), because the MiniLM library was not embedded in time on this machine."""
import gzip, json, re, sys, time
import numpy as np
sys.path.insert(0, "/work/wt/maps/tests/core")
from maps_fixtures import crude_facets
from gapscope.gaps import backtest_arrays
from gapscope.maps import make_map
t = time.time()
rows = []
with gzip.open("/work/shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt") as f:
    for line in f:
        d = json.loads(line)
        rows.append((d["id"], " ".join(d["title"].split()), " ".join(d["abstract"].split()), d["update_date"], d["categories"].split()[0]))
print("read", len(rows), round(time.time() - t, 1), flush=True)
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
def vecs(texts):
    x = TfidfVectorizer(stop_words="english", min_df=3, sublinear_tf=True, max_features=60000).fit_transform(texts)
    v = TruncatedSVD(n_components=128, random_state=0, n_iter=3).fit_transform(x).astype(np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
dates = {i: r[3] for i, r in enumerate(rows)}
fac = [crude_facets(r[2]) for r in rows]
data = {}
for facet in ("method", "result"):
    ids = np.array([i for i in range(len(rows)) if fac[i][facet]], dtype=np.int64)
    texts = {int(i): fac[i][facet] for i in ids}
    t = time.time(); v = vecs([texts[int(i)] for i in ids]); print(facet, len(ids), "vecs", round(time.time() - t, 1), flush=True)
    data[facet] = (ids, v, texts)
for rare in (1, 0):
    out = {}
    for seed in (0, 1, 2):
        t = time.time()
        r = backtest_arrays(data["method"], data["result"], dates, "2026-01-01", k=20, m=3, rare_max=rare, seed=seed)
        out[seed] = r
        print(json.dumps({k: v for k, v in r.items() if k != "filled_definition"}), round(time.time() - t, 1), flush=True)
    print("rare_max %d mean precision@20: ours %.3f popularity %.3f random %.3f" % ((rare,) + tuple(np.mean([r[k] for r in out.values()]) for k in ("precision_at_k", "popularity_precision_at_k", "random_precision_at_k"))), flush=True)
print(out[0]["filled_definition"])
