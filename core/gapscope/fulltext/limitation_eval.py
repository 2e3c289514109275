"""Own-work limitations on the clinical limitation file with each sentence's section, as GapScope reads a
full text: the facet classifier's probabilities for the sentence alone, then the section's prior
(section_prior.decide, with the section kind the heading names: fulltext.sections.heading_kind).

The published rule-based system this is measured against (Kilicoglu et al., JAMIA 2018, F1 0.80) reads the
section titles too: it labels no sentence outside Discussion, Conclusion and Limitations sections. The
sentence-alone figure (gapscope.facets.evaluate.eval_limitation_runs) is reported beside this one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..facets.dataset import abstracts_arrays, split_by_offsets
from ..facets.evaluate import prf
from ..facets.shortcoming_data import read_limitation_runs, read_limitation_sections
from .section_prior import decide
from .sections import heading_kind


def eval_limitations_in_sections(model, encoder, path: str | Path, split: str = "heldout", *, intervals: int = 0,
                                 progress=None, cancel=None) -> dict[str, Any]:
    """Precision, recall and F1 of `own` (POS) on the split's sentences, each alone and with its section;
    the counts per section kind; with ``intervals`` > 0 a 95% interval of the F1 from that many bootstrap
    resamples of the articles. Needs the file's ``section`` column (an empty heading counts as none)."""
    sections = read_limitation_sections(path)
    if not sections:
        raise ValueError(f"{path}: no `section` column")
    examples = read_limitation_runs(path, split=split)
    f = abstracts_arrays(encoder, examples, "limalone", progress=progress, cancel=cancel,
                         span_layers=model.span_layers, adapter=model.adapter)
    probs = model.probabilities(f["doc"], split_by_offsets(f["sent"], f["offsets"]), [e.sentences for e in examples])
    gold, alone, with_section, kinds, article = [], [], [], [], []
    for e, (_pr, ps) in zip(examples, probs):
        heading = sections.get((e.group, int(e.key.rsplit("#S", 1)[1])), "")
        kind = heading_kind(heading) if heading else None
        for j, text in enumerate(e.sentences):
            gold.append("POS" if e.shortcomings[j] == "own" else "NEG")
            alone.append("POS" if decide(None, text, ps[j], model.threshold)[0] == "own" else "NEG")
            with_section.append("POS" if decide(kind, text, ps[j], model.threshold)[0] == "own" else "NEG")
            kinds.append(kind or "none given")
            article.append(e.group)
    per_kind: dict[str, dict[str, int]] = {}
    for k, n in sorted(Counter(kinds).items(), key=lambda kv: -kv[1]):
        idx = [i for i, kk in enumerate(kinds) if kk == k]
        per_kind[k] = {"sentences": n, "pos": sum(gold[i] == "POS" for i in idx),
                       "true_pos": sum(gold[i] == with_section[i] == "POS" for i in idx),
                       "false_pos": sum(gold[i] == "NEG" and with_section[i] == "POS" for i in idx)}
    out = {"file": str(path), "split": split, "articles": len(set(article)), "sentences": len(gold),
           **prf(gold, with_section, "POS"), "alone": prf(gold, alone, "POS"), "by_section": per_kind}
    if intervals:
        out["f1_interval"] = bootstrap_f1(gold, with_section, article, intervals)
    return out


def bootstrap_f1(gold: list[str], pred: list[str], groups: list[str], n: int, seed: int = 0) -> tuple[float, float]:
    """2.5th and 97.5th percentile of the POS F1 over ``n`` resamples of the groups (articles) with replacement."""
    import numpy as np

    names = sorted(set(groups))
    at = {g: i for i, g in enumerate(names)}
    counts = np.zeros((len(names), 3))                  # per article: true pos, false pos, false neg
    for g, p, a in zip(gold, pred, groups):
        counts[at[a]] += (g == p == "POS", g == "NEG" and p == "POS", g == "POS" and p == "NEG")
    rng = np.random.default_rng(seed)
    tp, fp, fn = counts[rng.integers(0, len(names), size=(n, len(names)))].sum(axis=1).T
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return round(float(np.percentile(f1, 2.5)), 4), round(float(np.percentile(f1, 97.5)), 4)
