"""Where the roles on CSAbstruct dev go wrong (information only; `logs/roles_confusion.log`): the confusion
matrix of a facet model, its macro-F1 with a 95% interval from 2,000 bootstrap resamples of the dev
abstracts, and the first sentences CSAbstruct labels objective that the model does not (and the reverse),
to read what the weakest class is made of.

    python benchmarks/shortcomings/roles_confusion.py [MODEL_DIR]
"""
import sys
from collections import Counter

import numpy as np

from common import CSAB, encoder

from gapscope.facets.data import CSABSTRUCT_LABELS
from gapscope.facets.evaluate import predict_examples, prf
from gapscope.facets.model import load_model
from gapscope.facets.shortcoming_data import csabstruct_examples

SHOWN = 10


def macro_f1(pairs) -> float:
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    return float(np.mean([prf(gold, pred, lab)["f1"] for lab in CSABSTRUCT_LABELS]))


def main():
    model = load_model(sys.argv[1] if len(sys.argv) > 1 else None)
    examples = csabstruct_examples(CSAB / "dev.jsonl")
    preds = predict_examples(model, encoder(), examples, "csab")
    per_abstract = [[(g, p.role) for g, p in zip(e.roles, ps)] for e, ps in zip(examples, preds)]
    pairs = [gp for a in per_abstract for gp in a]
    rng = np.random.default_rng(0)
    boot = [macro_f1([gp for i in rng.integers(0, len(per_abstract), len(per_abstract)) for gp in per_abstract[i]])
            for _ in range(2000)]
    print(f"model {model.model_id}: CSAbstruct dev macro-F1 {macro_f1(pairs):.4f} "
          f"(95% {np.percentile(boot, 2.5):.3f} .. {np.percentile(boot, 97.5):.3f} over {len(per_abstract)} abstracts)")
    c = Counter(pairs)
    print("gold \\ predicted " + " ".join(f"{lab[:10]:>10s}" for lab in CSABSTRUCT_LABELS))
    for g in CSABSTRUCT_LABELS:
        print(f"{g:16s} " + " ".join(f"{c[(g, p)]:10d}" for p in CSABSTRUCT_LABELS))
    for want, label in ((True, "labelled objective, predicted otherwise"), (False, "predicted objective, labelled otherwise")):
        print(f"\nthe first {SHOWN} sentences {label}:")
        shown = 0
        for e, ps in zip(examples, preds):
            for s, g, p in zip(e.sentences, e.roles, ps):
                if shown < SHOWN and (g == "objective") == want and (p.role == "objective") != want:
                    print(f"  gold {g:10s} predicted {p.role:10s} {s[:140]}")
                    shown += 1


if __name__ == "__main__":
    main()
