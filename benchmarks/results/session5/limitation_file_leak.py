"""Why a limitation classifier must not read a sentence's neighbours from the limitation TSV.

The file samples whole limitation passages (POS sentences come in runs of adjacent sentence ids) but
single NEG sentences, so "the file also holds the sentence before or after this one" almost decides
the label. A head given the neighbours' vectors when the file has them reached held-out F1 0.94
(session 5, `neighbour_head.py`), against 0.75 without: it learns the sampling, not limitations.

    python benchmarks/results/session5/limitation_file_leak.py
"""
from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "facet_experiments"))
from common import LIMITATIONS  # noqa: E402


def sentence_number(row: dict) -> int:
    return int(re.sub(r"\D", "", row["sentence_id"]) or -1)


def main() -> None:
    with open(LIMITATIONS, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    present = {(r["article"], sentence_number(r)) for r in rows}
    counts = collections.Counter()
    for r in rows:
        s = sentence_number(r)
        neighbour = (r["article"], s - 1) in present or (r["article"], s + 1) in present
        counts[(neighbour, r["label"])] += 1
    print(f"{len(rows)} sentences in {LIMITATIONS}")
    for neighbour in (True, False):
        pos, neg = counts[(neighbour, "POS")], counts[(neighbour, "NEG")]
        print(f"  {'with' if neighbour else 'without'} an adjacent sentence in the file: "
              f"{pos} POS, {neg} NEG ({pos / max(pos + neg, 1):.0%} POS)")


if __name__ == "__main__":
    main()
