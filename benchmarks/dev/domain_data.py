folder = "/tmp/maps-dev/cs"; lib = Library("/tmp/maps-dev/cs-dev.sqlite")
rows = [json.loads(l) for l in open(f"{folder}/papers.jsonl")]
ax2id = dict(lib.conn.execute("SELECT arxiv_id, id FROM papers"))
data = {}
for facet in ("method", "result"):
    idx = np.load(f"{folder}/{facet}_idx.npy"); vecs = np.load(f"{folder}/{facet}.npy")
    pids = np.array([ax2id[rows[i]["arxiv_id"]] for i in idx], dtype=np.int64)
    data[facet] = (pids, vecs, {int(p): rows[i]["facets"][facet] for p, i in zip(pids, idx)})
