"""Encode every data set once (cached under /tmp): CSAbstruct, the limitation runs, the CS annotation
abstracts, the 10,653-paper library."""
import sys
import time

from common import ANNOT, CSAB, LIMS, encoder, features, library_features, library_papers

from gapscope.facets.shortcoming_data import (csabstruct_examples, labelled_abstracts, read_abstracts_jsonl,
                                              read_limitation_runs)

enc = encoder()
jobs = [("csab", csabstruct_examples(CSAB / "train.jsonl")), ("csab", csabstruct_examples(CSAB / "dev.jsonl")),
        ("limruns", read_limitation_runs(LIMS))]
for name in ("train", "test"):
    recs = read_abstracts_jsonl(sys.argv[1] + f"/{name}.jsonl" if len(sys.argv) > 1 else ANNOT / f"{name}.jsonl")
    jobs.append(("cs", labelled_abstracts(recs, {f"{r['abstract_id']}-{i:02d}": ("other", "none") for r in recs
                                               for i in range(len(r["sentences"]))})))
for tag, ex in jobs:
    t = time.time()
    features(enc, ex, tag)
    print(tag, len(ex), f"{time.time() - t:.1f}s", flush=True)
t = time.time()
papers = library_papers()
library_features(enc, papers)
print("library", len(papers), f"{time.time() - t:.1f}s", flush=True)
