"""Limitation heads trained with 194 CS own-limitation sentences written by hand (synthetic_limitations.txt,
each encoded alone, as the clinical sentences are) as extra positives, scored on the clinical held-out
articles and the 420 labelled real CS sentences. Arguments: CSAB_W,ARXIVNEG_W,SYN_W,SEED per run.

    python benchmarks/results/session5/synthetic_positives.py 0.3,1,1,0 0.3,1,3,0 0.3,0.3,1,0
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXP = HERE.parents[1] / "facet_experiments"
sys.path[:0] = [str(EXP), str(EXP / "cs_limitations")]
import train_variants as tv  # noqa: E402

from gapscope.facets.data import LimitationSentence  # noqa: E402
from gapscope.facets.dataset import sentences_arrays  # noqa: E402


def main() -> None:
    data = tv.load()
    syn = [line.strip() for line in open(HERE / "synthetic_limitations.txt", encoding="utf-8") if line.strip()]
    rows = [LimitationSentence(f"syn:{i}", "syn", t, True) for i, t in enumerate(syn)]
    synf = sentences_arrays(data.enc, rows, "synpos", span_layers=data.layers)["sent"]
    for arg in sys.argv[1:]:
        c, n, p, seed = arg.split(",")
        t0 = time.time()
        m = tv.train_head(data, float(c), float(n), 0.0, int(seed), extra=[(synf, [1] * len(syn), float(p), syn)])
        print(f"csab x{float(c)} arxivneg x{float(n)} synpos x{float(p)} seed {seed} ({time.time() - t0:.0f}s)")
        tv.print_scores(data, m)


if __name__ == "__main__":
    main()
