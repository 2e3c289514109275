"""Blind precision of the limitation head on unseen arXiv CS abstracts: the shipped head against the
session-4 variant (clinical + CSAbstruct negatives x0.3 + arXiv negatives x1 + 41 weak positives x3).

Draw: every sentence of shared-arXiv records [START, STOP) (none from the labelled CS set, the variant's
negatives, which are records 30,000-32,000, or its weak positives, records 32,000 on, whose papers only
lend the matched sentence) is scored by both heads; up to 60 flagged by each at 0.5 are pooled and
shuffled with which head flagged them hidden, then labelled by hand (POS = a limitation of the paper's
own work, the rule in facet_experiments/cs_limitations/README.md).

    python benchmarks/results/session5/blind_limitation_precision.py draw 20000 26000 OUT.jsonl
    python benchmarks/results/session5/blind_limitation_precision.py score LABELLED.jsonl
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

EXP = Path(__file__).resolve().parents[2] / "facet_experiments"
sys.path[:0] = [str(EXP), str(EXP / "cs_limitations")]


def draw(start: int, stop: int, out: str) -> None:
    import torch

    import eval_cs_limitations as cs
    import train_variants as tv
    from common import D, LIMITATIONS

    from gapscope.embed import Encoder
    from gapscope.facets import train as T
    from gapscope.facets.data import read_csabstruct, read_limitations
    from gapscope.facets.dataset import abstracts_arrays, sentences_arrays
    from gapscope.facets.features import abstract_features, cached
    from gapscope.facets.model import load_model, new_model

    enc, layers = Encoder(), list(range(1, 7))
    tag = "-L" + "_".join(map(str, layers))
    exclude = {g["arxiv_id"] for g in cs.load_gold()}

    def in_context(tag_name: str, abstracts):
        return cached(enc, tag_name + tag, [a[0] for a in abstracts], lambda: {"sent": np.concatenate(
            abstract_features(enc, [a[0] for a in abstracts], [a[1] for a in abstracts], span_layers=layers)[1]
        ).astype(np.float32)})

    ev = tv.arxiv_abstracts(start, stop, exclude)
    evf = in_context(f"blind{start}_{stop}", ev)
    ev_t = [s for a in ev for s in a[2]]
    where = [(k, j) for k, a in enumerate(ev) for j in range(len(a[2]))]

    abstracts, lims = read_csabstruct(D + "csabstruct/train.jsonl"), read_limitations(LIMITATIONS, "train")
    feats = abstracts_arrays(enc, abstracts, "csab", span_layers=layers)
    lf = sentences_arrays(enc, lims, "lim", span_layers=layers)
    neg = tv.arxiv_abstracts(30000, 32000, exclude)
    negf = in_context("arxivneg2", neg)
    pos = []
    for a in tv.arxiv_abstracts(32000, 10 ** 9, exclude):
        hits = [k for k, s in enumerate(a[2]) if any(r.search(s) for r in tv.OWN_LIMITATION)]
        if hits:
            pos.append((*a, hits))
    posf = cached(enc, "weakpos2" + tag, [a[0] for a in pos], lambda: {"sent": np.concatenate([
        v[a[3]] for v, a in zip(abstract_features(enc, [a[0] for a in pos], [a[1] for a in pos],
                                                  span_layers=layers)[1], pos)]).astype(np.float32)})
    csab_t = [a.text[x:y] for a in abstracts for x, y in a.spans]
    parts = [(lf["sent"], [s.positive for s in lims], 1.0, [s.text for s in lims]),
             (feats["sent"], [0] * len(csab_t), 0.3, csab_t),
             (negf["sent"], [0] * len(negf["sent"]), 1.0, [s for a in neg for s in a[2]]),
             (posf["sent"], [1] * len(posf["sent"]), 3.0, [a[2][k] for a in pos for k in a[3]])]
    x = np.concatenate([p[0] for p in parts]).astype(np.float32)
    y = np.concatenate([np.asarray(p[1], np.float32) for p in parts])
    w = np.concatenate([np.full(len(p[1]), p[2], np.float32) for p in parts])
    cfg = dict(T.DEFAULTS, span_layers=layers)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)
    variant = new_model(dict(cfg, dim=int(feats["sent"].shape[1]), doc_dim=int(feats["doc"].shape[1]),
                             encoder_model=enc.model_id, encoder_precision=enc.precision, seed=0))
    T._train_limitations(variant, x, y, w, [t for p in parts for t in p[3]], cfg, torch.Generator().manual_seed(0),
                         None, None)
    flagged = {name: set(np.nonzero(cs.scores(m, evf["sent"], ev_t) >= 0.5)[0].tolist())
               for name, m in (("shipped", load_model()), ("variant", variant))}
    print(f"{len(ev)} abstracts, {len(ev_t)} sentences; flagged: shipped {len(flagged['shipped'])}, "
          f"variant {len(flagged['variant'])}, both {len(flagged['shipped'] & flagged['variant'])}")
    rnd = random.Random(5)
    picks = set()
    for name in ("shipped", "variant"):
        some = sorted(flagged[name])
        rnd.shuffle(some)
        picks |= set(some[:60])
    items = sorted(picks)
    rnd.shuffle(items)
    with open(out, "w", encoding="utf-8") as fh:
        for i in items:
            k, j = where[i]
            fh.write(json.dumps({"i": i, "shipped": i in flagged["shipped"], "variant": i in flagged["variant"],
                                 "pos": j, "n": len(ev[k][2]), "text": ev_t[i]}, ensure_ascii=False) + "\n")


def score(path: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    for name in ("shipped", "variant"):
        mine = [r for r in rows if r[name]]
        good = sum(r["label"] == "POS" for r in mine)
        print(f"{name}: {len(mine)} of its flagged sentences labelled, {good} POS, precision {good / max(len(mine), 1):.3f}")


if __name__ == "__main__":
    if sys.argv[1] == "draw":
        draw(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        score(sys.argv[2])
