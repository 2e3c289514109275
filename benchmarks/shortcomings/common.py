"""Shared pieces of the shortcoming benchmarks: paths, the cached encoder features, the 10,653-paper library."""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "core")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED = Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent.parent / "shared" / "data"))
if not SHARED.exists():
    SHARED = ROOT / ".." / "shared" / "data"
CSAB = SHARED / "facets" / "csabstruct"
LIMS = SHARED / "facets" / "limitations" / "limitation-sentences-seed-semi.tsv"
ARXIV_CS = SHARED / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
ANNOT = Path(os.environ.get("GAPSCOPE_ANNOTATION", ROOT / "data" / "annotations" / "cs-shortcomings"))
LAYERS = [1, 2, 3, 4, 5, 6]


def encoder():
    """The bundled encoder, or the model folder in $GAPSCOPE_ENCODER_PATH (a machine without the bundled
    package) on $GAPSCOPE_BENCH_DEVICE (default: the device setting), named $GAPSCOPE_ENCODER_ID."""
    from gapscope.embed import Encoder

    path = os.environ.get("GAPSCOPE_ENCODER_PATH")
    enc = Encoder(path or None, device=os.environ.get("GAPSCOPE_BENCH_DEVICE") or None)
    if path:
        enc.model_id = os.environ.get("GAPSCOPE_ENCODER_ID", enc.model_id)
    return enc


def features(enc, examples, tag):
    """(docs, [per example: sentence vectors]) through the /tmp feature cache."""
    from gapscope.facets.dataset import abstracts_arrays, split_by_offsets

    f = abstracts_arrays(enc, examples, tag, span_layers=LAYERS)
    return f["doc"], split_by_offsets(f["sent"], f["offsets"])


def library_papers():
    """The 10,653-paper library: every 7th line (0-based 0, 7, 14, ...) of the CS file, papers with an abstract."""
    out = []
    with gzip.open(ARXIV_CS, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % 7:
                continue
            d = json.loads(line)
            out.append({"line": i, "arxiv_id": d["id"], "title": d["title"], "abstract": d.get("abstract") or ""})
    return out


def library_features(enc, papers, model=None):
    """Features of the library's abstracts, encoded as the product does ("title. abstract", one pass);
    with ``model``, its layers and encoder adapter (the base layers 1..6 otherwise). The last block of each
    sentence vector is the base last layer (appended when the model reads an adapted one)."""
    from gapscope.facets.adapter import adapter_key
    from gapscope.facets.features import cached
    from gapscope.facets.store import paper_spans

    splits = [paper_spans(p["title"], p["abstract"]) for p in papers]
    layers = list(model.span_layers) if model is not None else list(LAYERS)
    adapter = model.adapter if model is not None else None
    if layers[-1] != 6:
        layers.append(6)      # the base last layer, for the pooled facet vectors (the product's, see classify_texts)

    def compute():
        docs, vecs = enc.encode_spans([s[0] for s in splits], [s[1] for s in splits], span_layers=layers,
                                      adapter=adapter)
        offsets = np.cumsum([0] + [len(v) for v in vecs]).astype(np.int64)
        return {"doc": docs.astype(np.float16), "sent": np.concatenate(vecs).astype(np.float16), "offsets": offsets}

    tag = "lib7-L" + "_".join(str(i) for i in layers) + adapter_key(adapter)
    f = cached(enc, tag, [s[0] for s in splits], compute)
    sents = [f["sent"][f["offsets"][i]:f["offsets"][i + 1]].astype(np.float32) for i in range(len(papers))]
    return f["doc"].astype(np.float32), sents, [[t for _a, _b, t in s[2]] for s in splits]
