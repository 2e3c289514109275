"""Agreement of annotators A1 and A2 on the 200 double-labelled test items (Cohen's kappa), and the list of
disagreements for the adjudicator.

    python data/annotations/concept-concreteness/agreement.py
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as f:
        return {r["item"]: r["label"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def main() -> None:
    a1, a2 = read(HERE / "labels" / "a1.tsv"), read(HERE / "labels" / "a2.tsv")
    ids = sorted(k for k in a1 if k.startswith("E") and k in a2)
    x, y = [a1[k] for k in ids], [a2[k] for k in ids]
    bx = ["concrete" if v == "concrete" else "not" for v in x]
    by = ["concrete" if v == "concrete" else "not" for v in y]
    agree = sum(p == q for p, q in zip(x, y))
    print(f"{len(ids)} double-labelled test items: agreement {agree / len(ids):.3f}; Cohen's kappa, three labels "
          f"{kappa(x, y):.3f}; concrete vs not {kappa(bx, by):.3f}")
    print("A1:", dict(Counter(x)), " A2:", dict(Counter(y)))
    with open(HERE / "labels" / "disagreements-a1-a2.tsv", "w", encoding="utf-8") as out:
        out.write("item\ta1\ta2\n")
        for k, p, q in zip(ids, x, y):
            if p != q:
                out.write(f"{k}\t{p}\t{q}\n")
    print(f"{len(ids) - agree} disagreements -> labels/disagreements-a1-a2.tsv")


if __name__ == "__main__":
    main()
