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
    import eval_cs_limitations as cs
    import train_variants as tv

    from gapscope.facets.model import load_model

    data = tv.load()
    ev = tv.arxiv_abstracts(start, stop, data.exclude)
    evf = tv.in_context(data.enc, f"blind{start}_{stop}", ev, data.layers)
    ev_t = [s for a in ev for s in a[2]]
    where = [(k, j) for k, a in enumerate(ev) for j in range(len(a[2]))]
    variant = tv.train_head(data, 0.3, 1.0, 3.0, seed=0)
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
