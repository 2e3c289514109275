"""Draw CS abstracts from the shared arXiv file for shortcoming / role annotation.

Deterministic (seed 20261204). Lines whose 0-based index i has i % 7 in (0, 6) are never drawn, so the
"every 7th line" evaluation library (either counting convention) stays unseen. Sentences come from
gapscope.facets.split.split_sentences, the product's own splitter.
Split: 100 abstracts TEST (double-annotated, adjudicated, never trained on), 320 TRAIN (single-annotated,
half each annotator).
"""
import gzip, json, random, sys
from pathlib import Path
sys.path.insert(0, "/work/main/core")
from gapscope.facets.split import split_sentences

SRC = Path("/work/shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz")
OUT = Path(__file__).parent
rng = random.Random(20261204)
rows = []
with gzip.open(SRC, "rt") as f:
    for i, line in enumerate(f):
        if i % 7 in (0, 6):
            continue
        rows.append((i, line))
picked = rng.sample(rows, 420)
abstracts = []
for i, line in picked:
    d = json.loads(line)
    sents = [s.text for s in split_sentences(d["abstract"] or "")]
    if len(sents) < 2:
        continue
    abstracts.append({"line": i, "arxiv_id": d["id"], "title": " ".join(d["title"].split()),
                      "categories": d["categories"], "sentences": sents})
test, train = abstracts[:100], abstracts[100:]
for name, group in (("test", test), ("train", train)):
    with open(OUT / f"{name}.jsonl", "w") as f:
        for a_i, a in enumerate(group):
            a["abstract_id"] = f"{name}-{a_i:03d}"
            f.write(json.dumps(a) + "\n")
    print(name, len(group), "abstracts", sum(len(a["sentences"]) for a in group), "sentences")

def write_batches(tag, group, size=25):
    for b in range(0, len(group), size):
        with open(OUT / "batches" / f"{tag}-{b // size:02d}.txt", "w") as f:
            for a in group[b:b + size]:
                f.write(f"=== {a['abstract_id']}  [{a['categories']}]  {a['title']}\n")
                for s_i, s in enumerate(a["sentences"]):
                    f.write(f"{a['abstract_id']}-{s_i:02d}\t{s}\n")
                f.write("\n")
# annotator 1: all test + first half of train; annotator 2: all test + second half
half = len(train) // 2
write_batches("test", test)
write_batches("train-a1", train[:half])
write_batches("train-a2", train[half:])
