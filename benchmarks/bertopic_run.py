"""Run BERTopic (its defaults: UMAP + HDBSCAN + c-TF-IDF) on given embeddings. Runs in /work/benchenv,
called by bench_maps.py; BERTopic is never a GapScope dependency.

usage: bertopic_run.py DOCS.json EMB.npy OUT.npy MODEL_PATH
"""

import json
import sys
import time

import numpy as np

docs_path, emb_path, out_path, model_path = sys.argv[1:5]
docs = json.load(open(docs_path))
emb = np.load(emb_path)
from bertopic import BERTopic  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

encoder = SentenceTransformer(model_path, device="cpu")   # loading excluded from the time, as on GapScope's side
t0 = time.perf_counter()
model = BERTopic(embedding_model=encoder)
topics, _ = model.fit_transform(docs, emb)
secs = time.perf_counter() - t0
np.save(out_path, np.asarray(topics, dtype=np.int64))
print(json.dumps({"seconds": secs, "topics": int(len(set(topics)) - (1 if -1 in topics else 0)),
                  "outliers": float(np.mean(np.asarray(topics) == -1))}))
