"""Map cluster labels from concepts next to the old keyword labels, on a library that has maps and concepts.

    python benchmarks/bench_concept_labels.py LIBRARY [--top 15] [--out benchmarks/results/maps/concept_labels.txt]

Reads the latest map of each facet and the latest concepts; labels the clusters again in memory (nothing
is written to the library) and prints the largest clusters with both labels, the concepts ranked for the
label, and how many of the cluster's papers have concepts at all."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gapscope.analyze import map_concepts
from gapscope.maps import apply_labels, latest_map
from gapscope.maps.labels import label_from_keywords
from gapscope.store import LibraryError
from gapscope.store.library import Library
from gapscope.vocabulary import MAP_FACETS


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--out")
    a = ap.parse_args()
    lib = Library(a.library, create=False)
    t = time.perf_counter()
    concepts = map_concepts(lib)
    read_s = time.perf_counter() - t
    lines = ["$ python benchmarks/bench_concept_labels.py " + " ".join(sys.argv[1:]),
             "w/c: the cluster's papers with at least one concept; (keywords): no concept label, the fallback", ""]
    if concepts is None:
        lines.append("no concepts in the library: every label stays keywords")
    else:
        lines.append(f"concept batch {concepts.batch}: {len(concepts.vectors)} concept phrases, "
                     f"{len(concepts.phrases)} papers with at least one (read in {read_s:.1f} s)")
    for facet in MAP_FACETS:
        try:
            m = latest_map(lib, facet)
        except LibraryError:
            continue
        t = time.perf_counter()
        apply_labels(m, concepts)
        secs = time.perf_counter() - t
        have = concepts.phrases if concepts else {}
        n_concept = sum(c.label_kind == "concepts" for c in m.clusters)
        lines += ["", f"{facet} map {m.id}: {len(m.assignments)} papers, k={m.k}; {n_concept} of {m.k} clusters "
                      f"labelled by concepts, relabelled in {secs:.2f} s", ""]
        lines.append(f"{'id':>3} {'size':>5} {'w/c':>4}  {'keyword label (old)':<44} concept label (new)")
        for c in sorted(m.clusters, key=lambda c: -c.size)[:a.top]:
            members = m.members(c.id)
            with_c = sum(1 for p in members if have.get(p))
            new = c.label if c.label_kind == "concepts" else f"(keywords) {c.label}"
            lines.append(f"{c.id:>3} {c.size:>5} {with_c:>4}  {label_from_keywords(c.keywords):<44} {new}")
            if len(c.concepts) > 3:
                lines.append(f"{'':>16}{'':<44} more: {', '.join(c.concepts[3:])}")
    text = "\n".join(lines)
    print(text)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
