"""The fragment rule (concepts/fragments.py) on a library's stored concepts, without re-extracting them: the
concepts that are fragments of a longer name, the concept each one joins, and how many papers it brings.
Reads the same method / problem sentences the extractor reads (the facet API). Changes nothing.

usage:
  python benchmarks/bench_concept_fragments.py --library L [--batch B] [--examples 20] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--batch", type=int, default=None, help="the concept batch (default: the latest)")
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    from gapscope.concepts.extract import side_texts
    from gapscope.concepts.fragments import FRAGMENT_SHARE, merge_fragments, paper_texts
    from gapscope.store.library import Library

    lib = Library(a.library)
    batch = lib.latest_concept_batch() if a.batch is None else a.batch
    rows = lib.load_concepts(batch)
    t0 = time.perf_counter()
    ids, mt, pt = side_texts(lib, lib.classified_paper_ids())
    t1 = time.perf_counter()
    merged_list, merged = merge_fragments(rows, paper_texts(mt, pt))
    t2 = time.perf_counter()

    def papers(c):
        return len({p for p, _, _ in c["papers"]})

    targets = {j for j, _ in merged.values()}
    lines = [f"command: python benchmarks/bench_concept_fragments.py --library {a.library} --batch {batch} "
             f"--examples {a.examples}",
             f"concept batch {batch}: {len(rows)} concepts over {len(ids)} papers' method / problem sentences "
             f"(read in {t1 - t0:.0f} s; the rule {t2 - t1:.0f} s); share {FRAGMENT_SHARE}",
             f"fragments merged: {len(merged)} (method {sum(rows[i]['kind'] == 'method' for i in merged)}, "
             f"problem {sum(rows[i]['kind'] == 'problem' for i in merged)}) into {len(targets)} concepts; "
             f"{len(merged_list)} concepts after",
             "", "fragment (papers) -> joins (papers before -> after)   [the longer phrase in the text]"]
    after = {c["id"]: papers(c) for c in merged_list}
    order = sorted(merged, key=lambda i: -papers(rows[i]))
    for i in order[:a.examples] if a.examples else order:
        j, q = merged[i]
        lines.append(f"  {rows[i]['phrase']} ({papers(rows[i])}) -> {rows[j]['phrase']} "
                     f"({papers(rows[j])} -> {after[rows[j]['id']]})   [{q}]")
    text = "\n".join(lines)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
