"""Run BERTopic (its defaults: UMAP + HDBSCAN + c-TF-IDF) on given embeddings. Runs in /work/benchenv,
called by bench_maps.py; BERTopic is never a GapScope dependency.

Prints one JSON line: fit seconds (wall), CPU seconds (all threads), seconds per stage (UMAP fit and
transform, HDBSCAN fit), topics and the share of outliers. Stages are logged to stderr as they end.

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
stages: dict = {}


def timed_stage(obj, method, name):
    """Wrap one method of BERTopic's own sub-model (defaults untouched) to time it."""
    fn = getattr(obj, method)

    def wrapper(*a, **kw):
        t = time.perf_counter()
        out = fn(*a, **kw)
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
        print(f"bertopic_run: {name} done in {stages[name]:.1f} s ({len(emb)} papers)", file=sys.stderr, flush=True)
        return out
    setattr(obj, method, wrapper)


t0, c0 = time.perf_counter(), time.process_time()
model = BERTopic(embedding_model=encoder)
timed_stage(model.umap_model, "fit", "umap_fit")
timed_stage(model.umap_model, "transform", "umap_transform")
timed_stage(model.hdbscan_model, "fit", "hdbscan_fit")
topics, _ = model.fit_transform(docs, emb)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
stages["rest"] = secs - sum(stages.values())
np.save(out_path, np.asarray(topics, dtype=np.int64))
print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "stages": stages,
                  "topics": int(len(set(topics)) - (1 if -1 in topics else 0)),
                  "outliers": float(np.mean(np.asarray(topics) == -1))}))
