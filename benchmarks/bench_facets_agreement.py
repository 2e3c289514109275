"""The shipped facet head on CSAbstruct dev, sliced by annotator agreement (the file's `confs`).

Why: CSAbstruct's authors put the highest-confidence abstracts in the test split, which the shared data
does not include; issue 4 measures on dev, whose median sentence agreement is 0.60. This prints macro-F1
and accuracy on all of dev and on its more-agreed slices (by sentence, and by abstract mean, which is how
a test split of whole abstracts is drawn), each with a 95% bootstrap interval over abstracts, and the
confusion matrix, and the head's accuracy by its own confidence (the value the app shows beside a label).

    python benchmarks/bench_facets_agreement.py [CSABSTRUCT_DEV_JSONL]

Latest output: benchmarks/results/facets/bench_facets_agreement.txt; read in docs/facets.md.
"""
import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"

from gapscope.embed import Encoder  # noqa: E402
from gapscope.vocabulary import SENTENCE_ROLES as ROLES  # noqa: E402
from gapscope.facets.data import read_csabstruct  # noqa: E402
from gapscope.facets.dataset import abstracts_arrays, split_by_offsets  # noqa: E402
from gapscope.facets.model import load_model  # noqa: E402


def f1s(gold, pred):
    """(macro-F1 over the five roles, {role: F1})."""
    r = {}
    for i, label in enumerate(ROLES):
        tp = ((gold == i) & (pred == i)).sum()
        fp = ((gold != i) & (pred == i)).sum()
        fn = ((gold == i) & (pred != i)).sum()
        pr, rc = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        r[label] = round(float(2 * pr * rc / max(pr + rc, 1e-9)), 3)
    return float(np.mean(list(r.values()))), r


path = sys.argv[1] if len(sys.argv) > 1 else D + "csabstruct/dev.jsonl"
model = load_model()
abstracts = read_csabstruct(path)
confs = np.array([c for line in open(path) for c in json.loads(line)["confs"]])
feats = abstracts_arrays(Encoder(), abstracts, "csab", span_layers=model.span_layers)
preds = model.predict(feats["doc"], split_by_offsets(feats["sent"], feats["offsets"]),
                      [[a.text[x:y] for x, y in a.spans] for a in abstracts])
code = {lab: i for i, lab in enumerate(ROLES)}
gold = np.array([code[lab] for a in abstracts for lab in a.labels])
pred = np.array([code.get(lab, -1) for labels, _ in preds for lab in labels])   # 'limitation' = -1, an error
model_conf = np.array([c for _, cs in preds for c in cs])
owner = np.repeat(np.arange(len(abstracts)), [len(a.labels) for a in abstracts])
assert len(confs) == len(gold) == len(pred)
abstract_conf = np.array([confs[owner == i].mean() for i in range(len(abstracts))])[owner]
rng = np.random.default_rng(0)


def scores(keep):
    return f1s(gold[keep], pred[keep])[0], float((gold[keep] == pred[keep]).mean())


def report(name, keep):
    macro, acc = scores(keep)
    ids = np.unique(owner[keep])
    boot = []
    for _ in range(1000):                 # resample whole abstracts: sentences of one abstract are not independent
        pick = rng.choice(ids, len(ids))
        rows = np.concatenate([np.flatnonzero(keep & (owner == i)) for i in pick])
        boot.append(f1s(gold[rows], pred[rows])[0])
    lo, hi = np.quantile(boot, [0.025, 0.975])
    per = f1s(gold[keep], pred[keep])[1]
    print(f"{name:42s} {len(ids):4d} abstracts {keep.sum():5d} sentences  macro-F1 {macro:.3f} "
          f"[{lo:.3f}, {hi:.3f}]  accuracy {acc:.3f}  " + " ".join(f"{k[:4]} {v:.2f}" for k, v in per.items()))


print(f"{path}: sentence agreement quartiles {np.quantile(confs, [0.25, 0.5, 0.75]).round(3).tolist()}")
report("all of dev", np.ones(len(gold), bool))
for q in (0.5, 0.75):
    t = np.quantile(confs, q)
    report(f"sentences with agreement >= {t:.3f}", confs >= t)
for q in (0.5, 0.75, 0.9):
    t = np.quantile(abstract_conf, q)
    report(f"abstracts with mean agreement >= {t:.3f}", abstract_conf >= t)

cm = Counter(zip(gold.tolist(), pred.tolist()))
print("confusion on all of dev (rows gold, columns predicted; lim = called a limitation):")
print("             " + " ".join(f"{r[:4]:>5s}" for r in ROLES) + "   lim")
for i, g in enumerate(ROLES):
    print(f"  {g:10s} " + " ".join(f"{cm[(i, j)]:5d}" for j in range(len(ROLES))) + f" {cm[(i, -1)]:5d}")

print("accuracy by the head's own confidence (all of dev):")
for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
    keep = (model_conf >= lo) & (model_conf < hi)
    print(f"  confidence [{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}: {keep.mean():5.1%} of sentences, "
          f"accuracy {(gold[keep] == pred[keep]).mean():.3f}")
