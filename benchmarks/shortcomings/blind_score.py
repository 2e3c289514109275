"""Score the blind read (library_run.py writes sample.tsv + key.tsv; a reader writes judgments.tsv):
precision of the flagged sentences, and the missed ones among the unflagged.

    python benchmarks/shortcomings/blind_score.py /work/annotation/blind
"""
import csv
import sys
from pathlib import Path

d = Path(sys.argv[1])
key = {r["item"]: r for r in csv.DictReader(open(d / "key.tsv", encoding="utf-8"), delimiter="\t")}
judged = {}
for n, line in enumerate(open(d / "judgments.tsv", encoding="utf-8"), 1):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 2 or parts[1].strip() not in ("none", "prior", "open", "own"):
        sys.exit(f"{d / 'judgments.tsv'}:{n}: expected ITEM<TAB>none|prior|open|own")
    judged[parts[0].strip()] = parts[1].strip()
flag = [i for i, r in key.items() if r["sampled_as"] == "flagged" and i in judged]
unflag = [i for i, r in key.items() if r["sampled_as"] == "unflagged" and i in judged]
tp = sum(judged[i] != "none" for i in flag)
same = sum(judged[i] == key[i]["shortcoming"] for i in flag)
missed = [i for i in unflag if judged[i] != "none"]
print(f"flagged: {tp} of {len(flag)} state a shortcoming (precision {tp / max(len(flag), 1):.2f}); "
      f"type as judged: {same} of {len(flag)}")
print(f"unflagged: {len(missed)} of {len(unflag)} state one (missed: {', '.join(missed) or 'none'})")
