"""`gapscope facets eval`: per-label precision / recall / F1 on CSAbstruct- and limitation-format files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import numpy as np

from .data import CSABSTRUCT_LABELS, read_csabstruct, read_limitations
from .dataset import abstracts_arrays, sentences_arrays, split_by_offsets


def prf(gold: list[str], pred: list[str], label: str) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}


def eval_csabstruct(model, encoder, path: str | Path, *, progress=None, cancel=None) -> dict[str, Any]:
    """The full six-label classifier on CSAbstruct sentences; macro-F1 over the five CSAbstruct labels
    (a sentence the classifier calls ``limitation`` counts as an error)."""
    abstracts = read_csabstruct(path)
    feats = abstracts_arrays(encoder, abstracts, "csab", progress=progress, cancel=cancel,
                             span_layers=model.span_layers)
    preds = model.predict(feats["doc"], split_by_offsets(feats["sent"], feats["offsets"]),
                          [[a.text[x:y] for x, y in a.spans] for a in abstracts])
    gold = [lab for a in abstracts for lab in a.labels]
    pred = [lab for labels, _ in preds for lab in labels]
    labels = {lab: prf(gold, pred, lab) for lab in CSABSTRUCT_LABELS}
    macro = float(np.mean([v["f1"] for v in labels.values()]))
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return {"file": str(path), "abstracts": len(abstracts), "sentences": len(gold),
            "macro_f1": round(macro, 4), "accuracy": round(acc, 4), "labels": labels}


def eval_limitations(model, encoder, path: str | Path, split: str = "all", *, progress=None, cancel=None) -> dict[str, Any]:
    """Each sentence classified alone (a one-sentence abstract); POS = the label is ``limitation``."""
    rows = read_limitations(path, split=split)
    docs, sents = _alone(encoder, rows, model.span_layers, progress=progress, cancel=cancel)
    preds = model.predict(docs, sents, [[r.text] for r in rows])
    gold = ["POS" if r.positive else "NEG" for r in rows]
    pred = ["POS" if labels and labels[0] == "limitation" else "NEG" for labels, _ in preds]
    out = prf(gold, pred, "POS")
    out.update({"file": str(path), "split": split, "sentences": len(rows)})
    return out


def _alone(encoder, rows, span_layers=None, *, progress=None, cancel=None):
    feats = sentences_arrays(encoder, rows, "lim", progress=progress, cancel=cancel, span_layers=span_layers)
    sent = feats["sent"]
    return feats["doc"], [sent[i:i + 1] for i in range(len(sent))]


def evaluate(csabstruct: Optional[str] = None, limitations: Optional[str] = None, split: str = "all",
             model_dir: Optional[str] = None, encoder=None, *, progress=None, cancel=None) -> dict[str, Any]:
    from .model import load_model

    model = load_model(model_dir)
    if encoder is None:
        from ..embed import Encoder

        encoder = Encoder(model.encoder_model if model.encoder_model not in (None, "all-MiniLM-L6-v2") else None)
    out: dict[str, Any] = {"model": model.model_id}
    if csabstruct:
        out["csabstruct"] = eval_csabstruct(model, encoder, csabstruct, progress=progress, cancel=cancel)
    if limitations:
        out["limitations"] = eval_limitations(model, encoder, limitations, split=split, progress=progress, cancel=cancel)
    return out
