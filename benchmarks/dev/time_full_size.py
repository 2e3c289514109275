"""Fallback scale timing: the 2,983 real MiniLM dev vectors of each facet tiled with small noise up to the
full library's size (74,566 abstracts; facets in the dev ratio), all four maps built with defaults."""
import json, time, sys, numpy as np
from gapscope.maps import make_map
rows = [json.loads(l) for l in open("/tmp/maps-dev/cs/papers.jsonl")]
N = 74566
tot = time.time(); out = {}
for facet, kind in (("topic", "abstract"), ("method", "method"), ("result", "result"), ("limitation", "limitation")):
    v = np.load(f"/tmp/maps-dev/cs/{kind}.npy"); idx = np.load(f"/tmp/maps-dev/cs/{kind}_idx.npy")
    n = int(round(N * len(idx) / len(rows)))
    rng = np.random.default_rng(0)
    pick = np.arange(n) % len(v)
    x = v[pick] + 0.03 * rng.standard_normal((n, v.shape[1])).astype(np.float32)
    ids = np.arange(n)
    texts = {i: (rows[idx[pick[i]]]["title"] + ". " + rows[idx[pick[i]]]["abstract"]) if facet == "topic" else rows[idx[pick[i]]]["facets"][facet] for i in range(n)}
    dates = {i: rows[idx[pick[i]]]["published"] for i in range(n)}
    t = time.time(); m = make_map(facet, ids, x, texts, dates, seed=0)
    out[facet] = {"papers": n, "k": m.k, "seconds": round(time.time() - t, 1)}
    print(facet, out[facet], flush=True)
print(json.dumps({"all_facets_seconds": round(sum(o["seconds"] for o in out.values()), 1), "facets": out}))
