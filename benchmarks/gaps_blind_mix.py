"""Mix two top-20 gap lists for a blind read (benchmarks/results/gaps/blind_read*/): each list's statements,
without the "Already tried in the reference corpus" sentence (the lists read alike), a pair in both lists
shown once, shuffled, numbered G01...; key.json says which list and rank each item came from.

    python benchmarks/gaps_blind_mix.py NAME_A=LIST_A NAME_B=LIST_B --seed S --out DIR
then give a reader DIR/items.txt and instructions.txt, and score with benchmarks/gaps_blind_score.py DIR.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

MARKER = "top 20 concept gaps as a researcher reads them:"


def top(path: Path) -> list[str]:
    s = path.read_text(encoding="utf-8").split(MARKER)[1]
    return [m.group(1).strip() for m in re.finditer(r"^\s*\d+\. (.*)$", s, re.M)][:20]


def pair(statement: str) -> tuple[str, str]:
    m = re.match(r"Apply “(.*?)” to “(.*?)”", statement)
    return m.group(1), m.group(2)


def clean(statement: str) -> str:
    return re.sub(r" Already tried in the reference corpus: \d+ abstracts?\.", "", statement)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lists", nargs=2, help="NAME=PATH of a gaps-*.txt file")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    seen, key = {}, []
    for spec in a.lists:
        name, path = spec.split("=", 1)
        for rank, t in enumerate(top(Path(path)), 1):
            p = pair(t)
            seen.setdefault(p, clean(t))
            key.append({"pair": list(p), "source": name, "rank": rank})
    pairs = list(seen)
    random.Random(a.seed).shuffle(pairs)
    ids = {p: i for i, p in enumerate(pairs, 1)}
    for k in key:
        k["item"] = ids[tuple(k["pair"])]
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "items.txt").write_text("\n\n".join(f"G{ids[p]:02d}. {seen[p]}" for p in pairs) + "\n", encoding="utf-8")
    (a.out / "key.json").write_text(json.dumps(key, indent=0), encoding="utf-8")
    print(len(pairs), "unique items")


if __name__ == "__main__":
    main()
