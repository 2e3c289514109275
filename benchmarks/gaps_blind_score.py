"""Score a blind read of gap statements: the reader graded a shuffled mix of two top-20 lists (items.txt,
grades.tsv) without knowing which list an item came from (key.json; an item in both lists is read once). With a library, also count the abstracts
that mention both concepts of each item (the joined-in-text test, over that library's text).

    python benchmarks/gaps_blind_score.py benchmarks/results/gaps/blind_read [--library LIB]
"""
import argparse
import collections
import csv
import json
import re
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--library")
    a = ap.parse_args()
    key = json.loads((a.folder / "key.json").read_text())      # one entry per list an item came from
    grades = {int(r["item"].lstrip("G")): r for r in csv.DictReader(open(a.folder / "grades.tsv"), delimiter="\t")}
    pairs = {int(m.group(1)): (m.group(2), m.group(3)) for m in
             re.finditer(r"^G(\d+)\. Apply “(.*?)” to “(.*?)”", (a.folder / "items.txt").read_text(), re.M)}
    counts = collections.Counter((k["source"], grades[k["item"]]["grade"]) for k in key)
    codes = collections.Counter((k["source"], grades[k["item"]]["reason_code"]) for k in key
                                if grades[k["item"]]["grade"] == "not")
    for source in sorted({k["source"] for k in key}):
        print(f"{source}: " + ", ".join(f"{g} {counts[(source, g)]}" for g in ("usable", "borderline", "not"))
              + "; not by reason: " + ", ".join(f"{c} {codes[(source, c)]}" for c in "EVIDX"))
    if a.library:
        from gapscope.store import Library

        lib = Library(a.library)
        try:
            hits = lib.papers_mentioning({(i, side): [pairs[i][side]] for i in pairs for side in (0, 1)})
        finally:
            lib.close()
        by_grade = collections.defaultdict(list)
        for i in sorted(pairs):
            g = grades[i]
            by_grade[g["grade"] + ("" if g["grade"] != "not" else " " + g["reason_code"])].append(
                len(hits[(i, 0)] & hits[(i, 1)]))
        print(f"abstracts in {a.library} that mention both concepts, by grade:")
        for grade, ns in sorted(by_grade.items()):
            print(f"  {grade:<12} {sorted(ns)}")


if __name__ == "__main__":
    main()
