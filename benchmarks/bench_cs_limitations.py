"""The limitation head on CS abstracts: its scores for the 420 hand-labelled arXiv sentences of
benchmarks/data/cs_limitation_sentences.jsonl, each scored in its own abstract as `gapscope facets`
scores it.

Each sentence's abstract is read from the shared arXiv file by id and split as the library splits it;
the labelled sentence is found among the split sentences by its text. Prints precision and recall at a
few thresholds, per pool and in all (the pools are not a random sample: docs/facets.md says how they
were drawn and labelled).

    python benchmarks/bench_cs_limitations.py [--model DIR]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = Path(os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
GOLD = ROOT / "benchmarks" / "data" / "cs_limitation_sentences.jsonl"
ARXIV = SHARED / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"


def _norm(s: str) -> str:
    return " ".join(s.split())


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.open(encoding="utf-8")]


def features(encoder, gold: list[dict], span_layers):
    """(sentence vectors in context, sentence texts), one row per labelled sentence."""
    from gapscope.embed.store import abstract_text
    from gapscope.facets.split import split_sentences

    want = {g["arxiv_id"] for g in gold}
    recs = {}
    with gzip.open(ARXIV, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["id"] in want:
                recs[r["id"]] = (_norm(r.get("title") or ""), r["abstract"].strip())  # line breaks kept: the splitter reads them
    ids = sorted(recs)
    texts, spans, sents = [], [], []
    for a in ids:
        title, abstract = recs[a]
        text = abstract_text(title, abstract)
        shift = text.index(abstract)
        split = split_sentences(abstract)
        texts.append(text)
        spans.append([(x + shift, y + shift) for x, y, _ in split])
        sents.append([_norm(s) for _, _, s in split])
    _, vecs = encoder.encode_spans(texts, spans, span_layers=span_layers)
    where = {a: i for i, a in enumerate(ids)}
    rows, texts_out = [], []
    for g in gold:
        i = where[g["arxiv_id"]]
        j = sents[i].index(_norm(g["text"]))      # ValueError names a sentence the splitter no longer yields
        rows.append(vecs[i][j])
        texts_out.append(sents[i][j])
    return np.stack(rows).astype(np.float32), texts_out


def scores(model, x: np.ndarray, texts: list[str]) -> np.ndarray:
    import torch

    with torch.inference_mode():
        return torch.sigmoid(model.lim(torch.from_numpy(x), model.lex(texts))).numpy()


def report(gold: list[dict], s: np.ndarray, thr: float, pool: str | None = None) -> str:
    keep = np.array([pool is None or g["pool"] == pool for g in gold])
    y = np.array([g["label"] == "POS" for g in gold])[keep]
    p = (s >= thr)[keep]
    tp, fp, fn = int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum())
    return (f"{pool or 'all':10s} thr {thr:.2f}: {keep.sum():3d} sentences, {y.sum():2d} POS; predicted {tp + fp:3d}: "
            f"TP {tp:2d} FP {fp:3d} FN {fn:2d}  P {tp / max(tp + fp, 1):.2f} R {tp / max(tp + fn, 1):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="a facet model folder (default: the shipped head)")
    a = ap.parse_args()
    from gapscope.embed import Encoder
    from gapscope.facets.model import load_model

    model = load_model(a.model)
    gold = load_gold()
    x, texts = features(Encoder(), gold, model.span_layers)
    s = scores(model, x, texts)
    print(f"model {model.model_id}")
    for thr in sorted({0.5, model.threshold, 0.7, 0.9}):
        print(report(gold, s, thr))
    for pool in sorted({g["pool"] for g in gold}):
        print(report(gold, s, model.threshold, pool))


if __name__ == "__main__":
    main()
