"""A second training draw: 400 more CS abstracts, same exclusions as draw.py, none drawn before.
Seed 20261205. Written to train2.jsonl and batches/train2-a3-NN.txt (single-annotated by annotator A3)."""
import gzip, json, random, sys
from pathlib import Path
sys.path.insert(0, "/work/main/core")
from gapscope.facets.split import split_sentences

SRC = Path("/work/shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz")
OUT = Path(__file__).parent
taken = {json.loads(l)["line"] for n in ("test.jsonl", "train.jsonl") for l in open(OUT / n)}
rng = random.Random(20261205)
rows = []
with gzip.open(SRC, "rt") as f:
    for i, line in enumerate(f):
        if i % 7 in (0, 6) or i in taken:
            continue
        rows.append((i, line))
group = []
for i, line in rng.sample(rows, 420):
    d = json.loads(line)
    sents = [s.text for s in split_sentences(d["abstract"] or "")]
    if len(sents) >= 2:
        group.append({"line": i, "arxiv_id": d["id"], "title": " ".join(d["title"].split()),
                      "categories": d["categories"], "sentences": sents})
group = group[:400]
with open(OUT / "train2.jsonl", "w") as f:
    for a_i, a in enumerate(group):
        a["abstract_id"] = f"train2-{a_i:03d}"
        f.write(json.dumps(a) + "\n")
print(len(group), "abstracts", sum(len(a["sentences"]) for a in group), "sentences")
for b in range(0, len(group), 25):
    with open(OUT / "batches" / f"train2-a3-{b // 25:02d}.txt", "w") as f:
        for a in group[b:b + 25]:
            f.write(f"=== {a['abstract_id']}  [{a['categories']}]  {a['title']}\n")
            for s_i, s in enumerate(a["sentences"]):
                f.write(f"{a['abstract_id']}-{s_i:02d}\t{s}\n")
            f.write("\n")
