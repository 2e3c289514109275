"""The facet head's own-work limitations on CS abstracts: for the 420 hand-labelled arXiv sentences of
benchmarks/data/cs_limitation_sentences.jsonl, each read in its own abstract as `gapscope facets` reads
it, whether the head calls it a shortcoming of type `own` (P(any shortcoming) at the threshold, then
`own` the likeliest type).

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


def features(encoder, model, gold: list[dict]) -> np.ndarray:
    """The shortcoming probabilities (none, prior, open, own) of each labelled sentence, read in its
    abstract by the encoder (with the head's adapter) and the head, as `gapscope facets` reads it."""
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
    layers = model.span_layers or [encoder.num_layers]
    docs, vecs = encoder.encode_spans(texts, spans, span_layers=layers, adapter=model.adapter)
    probs = model.probabilities(docs, vecs, sents)
    where = {a: i for i, a in enumerate(ids)}
    rows = []
    for g in gold:
        i = where[g["arxiv_id"]]
        j = sents[i].index(_norm(g["text"]))      # ValueError names a sentence the splitter no longer yields
        rows.append(probs[i][1][j])
    return np.stack(rows)


def own_at(p: np.ndarray, thr: float) -> np.ndarray:
    """Whether each sentence is labelled `own` at threshold ``thr``: P(any) = 1 - P(none) reaches it and
    `own` is the likeliest of the types (gapscope.facets.model.decide_shortcoming)."""
    return (1.0 - p[:, 0] >= thr) & (p[:, 1:].argmax(axis=1) == 2)


def report(gold: list[dict], probs: np.ndarray, thr: float, pool: str | None = None) -> str:
    keep = np.array([pool is None or g["pool"] == pool for g in gold])
    y = np.array([g["label"] == "POS" for g in gold])[keep]
    p = own_at(probs, thr)[keep]
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
    probs = features(Encoder(), model, gold)
    print("Command: python benchmarks/bench_cs_limitations.py" + (f" --model {a.model}" if a.model else ""))
    print(f"model {model.model_id}: a sentence is predicted POS when the head labels it shortcoming `own`")
    for thr in sorted({0.5, model.threshold, 0.7, 0.9}):
        print(report(gold, probs, thr))
    for pool in sorted({g["pool"] for g in gold}):
        print(report(gold, probs, model.threshold, pool))


if __name__ == "__main__":
    main()
