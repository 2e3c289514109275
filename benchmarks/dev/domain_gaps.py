"""Dev driver until gapscope.embed lands: import a shared file into a library, map it with the npy
vectors made by make_dev.py, find gaps, print the top five, optionally backtest."""
import json, sys, time, numpy as np
from gapscope.store import Library
from gapscope.ingest import import_file
from gapscope.maps import build_maps
from gapscope.gaps import find_gaps, list_gaps, backtest
src, folder, libpath = sys.argv[1:4]
before = sys.argv[4] if len(sys.argv) > 4 else None
lib = Library(libpath)
if lib.count_papers() == 0:
    t = time.time(); r = import_file(lib, src); print("import", r.to_dict()["added"], round(time.time() - t, 1))
rows = [json.loads(l) for l in open(f"{folder}/papers.jsonl")]
ax2id = dict(lib.conn.execute("SELECT arxiv_id, id FROM papers"))
data = {}
for facet, kind in (("topic", "abstract"), ("method", "method"), ("result", "result"), ("limitation", "limitation")):
    try:
        idx = np.load(f"{folder}/{kind}_idx.npy"); vecs = np.load(f"{folder}/{kind}.npy")
    except FileNotFoundError:
        continue
    pids = np.array([ax2id[rows[i]["arxiv_id"]] for i in idx], dtype=np.int64)
    texts = {int(p): (rows[i]["title"] + ". " + rows[i]["abstract"] if facet == "topic" else rows[i]["facets"][facet]) for p, i in zip(pids, idx)}
    data[facet] = (pids, vecs, texts)
t = time.time(); ms = build_maps(lib, facets=tuple(data), data=data); print("maps", round(time.time() - t, 1), ms.timings, {f: m.k for f, m in ms.maps.items()})
for f, m in ms.maps.items():
    for c in sorted(m.clusters, key=lambda c: -c.size)[:5]:
        print(f"  {f:<10} {c.id:>3} {c.size:>5} stab {c.stability:.2f} {c.label} | {c.representative[:90]}")
t = time.time(); gaps = find_gaps(lib, data=data); print("gaps", len(gaps), round(time.time() - t, 1))
for g in list_gaps(lib, limit=5):
    print(json.dumps(g.to_dict())[:1200])
if before:
    for m in (2, 3):
        res = backtest(lib, before, data=data, m=m)
        print(json.dumps({k: v for k, v in res.items() if k != "filled_definition"}))
