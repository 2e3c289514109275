"""classify_library's time with two facet models side by side, on the same papers and the same encoder
(one run each, in this order), and the share of sentences each flags as a shortcoming:

    python benchmarks/shortcomings/classify_time.py BEFORE_DIR AFTER_DIR [N] [WORKDIR]

The papers are the first N (default 500) of the 10,653-paper library (every 7th line of the CS file),
imported into a fresh library in WORKDIR (default /tmp/fv2-time). BEFORE_DIR is e.g. the frozen-encoder head
(`git show` it out of main), AFTER_DIR the fine-tuned one (default: the shipped model).
"""
import gzip
import json
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from common import ARXIV_CS, encoder

from gapscope.facets import classify_library, facet_counts
from gapscope.facets.model import load_model
from gapscope.ingest import import_file
from gapscope.store import Library

args = sys.argv[1:]
before, after = load_model(args[0]), load_model(args[1] if len(args) > 1 and args[1] != "-" else None)
n = int(args[2]) if len(args) > 2 else 500
work = Path(args[3] if len(args) > 3 else "/tmp/fv2-time")
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
src = work / "papers.jsonl.gz"
with gzip.open(ARXIV_CS, "rt", encoding="utf-8") as fh, gzip.open(src, "wt", encoding="utf-8") as out:
    k = 0
    for i, line in enumerate(fh):
        if i % 7 == 0 and json.loads(line).get("abstract"):
            out.write(line)
            k += 1
            if k >= n:
                break
lib = Library(work / "time.gapscope")
import_file(lib, src)
enc = encoder()
enc.encode_spans(["warm up the encoder."], [[(0, 20)]])
for name, model in (("before", before), ("after", after)):
    t = time.time()
    stats = classify_library(lib, model=model, encoder=enc, redo=True)
    dt = time.time() - t
    counts = facet_counts(lib)["shortcomings"]
    total = sum(counts.values())
    flagged = total - counts.get("none", 0)
    print(f"{name:<7} {model.model_id} (adapter: {model.adapter.config['layers'] if model.adapter else 0} layers): "
          f"classify_library {stats['classified']} papers, {stats['sentences']} sentences in {dt:.1f} s; "
          f"flagged {flagged} = {flagged / max(total, 1):.1%} ({dict(Counter(counts))})", flush=True)
