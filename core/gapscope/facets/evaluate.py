"""`gapscope facets eval`: roles on CSAbstruct files, own-work limitations on the limitation file (whole
articles, read as runs of consecutive sentences), shortcomings on labelled CS abstracts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from .data import CSABSTRUCT_LABELS
from .dataset import abstracts_arrays, split_by_offsets
from .model import SHORTCOMINGS
from .shortcoming_data import SequenceExample, csabstruct_examples, read_limitation_runs


def prf(gold: list[str], pred: list[str], label: str) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}


def predict_examples(model, encoder, examples: Sequence[SequenceExample], tag: str, *, progress=None, cancel=None):
    feats = abstracts_arrays(encoder, list(examples), tag, progress=progress, cancel=cancel,
                             span_layers=model.span_layers, adapter=model.adapter)
    return model.predict(feats["doc"], split_by_offsets(feats["sent"], feats["offsets"]),
                         [e.sentences for e in examples])


def eval_csabstruct(model, encoder, path: str | Path, *, progress=None, cancel=None) -> dict[str, Any]:
    """Roles on CSAbstruct sentences; macro-F1 over the five labels."""
    examples = csabstruct_examples(path)
    preds = predict_examples(model, encoder, examples, "csab", progress=progress, cancel=cancel)
    gold = [lab for e in examples for lab in e.roles]
    pred = [p.role for ps in preds for p in ps]
    labels = {lab: prf(gold, pred, lab) for lab in CSABSTRUCT_LABELS}
    macro = float(np.mean([v["f1"] for v in labels.values()]))
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return {"file": str(path), "abstracts": len(examples), "sentences": len(gold),
            "macro_f1": round(macro, 4), "accuracy": round(acc, 4), "labels": labels}


def eval_limitation_runs(model, encoder, path: str | Path, split: str = "heldout", *, progress=None,
                         cancel=None) -> dict[str, Any]:
    """Own-work limitations on every sentence of the split's articles: POS = the sentence's shortcoming is
    ``own``. Each sentence is read alone (its neighbours in the file would give the label away: see
    shortcoming_data)."""
    examples = read_limitation_runs(path, split=split)
    preds = predict_examples(model, encoder, examples, "limalone", progress=progress, cancel=cancel)
    gold = ["POS" if s == "own" else "NEG" for e in examples for s in e.shortcomings]
    pred = ["POS" if p.shortcoming == "own" else "NEG" for ps in preds for p in ps]
    anyp = ["POS" if p.shortcoming != "none" else "NEG" for ps in preds for p in ps]
    out = prf(gold, pred, "POS")
    out.update({"file": str(path), "split": split, "articles": len({e.group for e in examples}),
                "sentences": len(gold), "any_shortcoming_as_pos": prf(gold, anyp, "POS")})
    return out


def eval_shortcomings(model, encoder, examples: Sequence[SequenceExample], tag: str = "cs", *,
                      progress=None, cancel=None) -> dict[str, Any]:
    """Shortcomings on labelled CS abstracts: any type vs none, and each type; roles too (macro-F1)."""
    preds = predict_examples(model, encoder, examples, tag, progress=progress, cancel=cancel)
    gold = [s for e in examples for s in e.shortcomings]
    pred = [p.shortcoming for ps in preds for p in ps]
    any_g = ["any" if g != "none" else "none" for g in gold]
    any_p = ["any" if p != "none" else "none" for p in pred]
    roles_g = [r for e in examples for r in e.roles]
    roles_p = [p.role for ps in preds for p in ps]
    role_labels = {lab: prf(roles_g, roles_p, lab) for lab in CSABSTRUCT_LABELS}
    return {"abstracts": len(examples), "sentences": len(gold),
            "any": prf(any_g, any_p, "any"), "types": {t: prf(gold, pred, t) for t in SHORTCOMINGS[1:]},
            "type_accuracy_when_both_flag": round(float(np.mean([g == p for g, p in zip(gold, pred)
                                                                 if g != "none" and p != "none"] or [0.0])), 4),
            "flagged_share": round(sum(p != "none" for p in pred) / max(len(pred), 1), 4),
            "gold_share": round(sum(g != "none" for g in gold) / max(len(gold), 1), 4),
            "roles_macro_f1": round(float(np.mean([v["f1"] for v in role_labels.values()])), 4)}


def encoder_for(model):
    """The encoder a facet model reads: the bundled one, or the model it names."""
    from ..embed import Encoder

    return Encoder(model.encoder_model if model.encoder_model not in (None, "all-MiniLM-L6-v2") else None)


def evaluate(csabstruct: Optional[str] = None, limitations: Optional[str] = None, split: str = "heldout",
             model_dir: Optional[str] = None, encoder=None, cs_jsonl: Optional[str] = None,
             cs_labels: Sequence[str] = (), *, progress=None, cancel=None) -> dict[str, Any]:
    from .model import load_model

    model = load_model(model_dir)
    encoder = encoder or encoder_for(model)
    out: dict[str, Any] = {"model": model.model_id}
    if csabstruct:
        out["csabstruct"] = eval_csabstruct(model, encoder, csabstruct, progress=progress, cancel=cancel)
    if limitations:
        out["limitations"] = eval_limitation_runs(model, encoder, limitations, split=split, progress=progress,
                                                  cancel=cancel)
    if cs_jsonl and cs_labels:
        from .shortcoming_data import labelled_abstracts, read_abstracts_jsonl, read_label_tsv

        ex = labelled_abstracts(read_abstracts_jsonl(cs_jsonl), read_label_tsv(cs_labels))
        out["shortcomings"] = eval_shortcomings(model, encoder, ex)
    return out
