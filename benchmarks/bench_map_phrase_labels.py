"""Map labels as one phrase against the labels before: how many of a map's labels are keyword lists, lists of
concept phrases, or one phrase, and the largest clusters' labels side by side.

    python benchmarks/bench_map_phrase_labels.py LIBRARY [--facet topic] [--top 20] [--out FILE]

Reads the latest map of the facet and the latest concepts, labels the clusters twice in memory (nothing is
written to the library): "before" with the one-phrase step off (the labels as they were made until then),
"after" with it; and "X for Y" labels with and without the judge of techniques and tasks
(PaperConcepts.reads_as, gaps/label_ends.py: without it every method and problem pair read "X for Y"). A method
or shortcoming map is labelled with its sentences (maps/kind_labels.py: techniques, complaints), as a relabel does. cover: the share of the cluster's papers that name the label's first concept (extracted
from the paper, or written in its title or abstract)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from unittest import mock

from gapscope.analyze import map_concepts
from gapscope.maps import apply_labels, latest_map
from gapscope.maps.build import label_texts
from gapscope.store.library import Library


def kind_of(c) -> str:
    """"keywords", "concept list" or "phrase"."""
    if c.label_kind == "keywords":
        return "keywords"
    return "concept list" if ", " in c.label else "phrase"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--facet", default="topic")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--out")
    a = ap.parse_args()
    lib = Library(a.library, create=False)
    t = time.perf_counter()
    concepts = map_concepts(lib)
    read_s = time.perf_counter() - t
    m = latest_map(lib, a.facet)
    texts = label_texts(lib, m)          # a method or shortcoming map's sentences (maps/kind_labels.py)
    stored = {c.id: c.label for c in m.clusters}
    with mock.patch("gapscope.maps.build.phrase_label", lambda *args, **kw: None):
        apply_labels(m, concepts)
    before = {c.id: (c.label, kind_of(c)) for c in m.clusters}
    for_labels = {}
    if concepts is not None:
        apply_labels(m, dataclasses.replace(concepts, reads_as=None), texts=texts)
        for_labels["every pair"] = sorted(c.label for c in m.clusters if " for " in c.label)
    t = time.perf_counter()
    apply_labels(m, concepts, texts=texts)
    secs = time.perf_counter() - t
    for_labels["technique for task"] = sorted(c.label for c in m.clusters if " for " in c.label)
    after = {c.id: (c.label, kind_of(c)) for c in m.clusters}
    cover = m.params.get("label_cover") or {}

    def counts(labels) -> str:
        n = {k: sum(v[1] == k for v in labels.values()) for k in ("keywords", "concept list", "phrase")}
        return ", ".join(f"{v} {k}" for k, v in n.items())

    lines = ["$ python benchmarks/bench_map_phrase_labels.py " + " ".join(sys.argv[1:]), "",
             f"{a.facet} map {m.id}: {len(m.assignments)} papers, k={m.k}",
             "no concepts: every label is its keywords" if concepts is None else
             f"concept batch {concepts.batch}: {len(concepts.vectors)} phrases (read in {read_s:.1f} s)",
             f"labels as stored by the build equal to 'before': {sum(stored[i] == before[i][0] for i in stored)}"
             f" of {len(stored)}", "",
             f"before: {counts(before)}",
             f"after:  {counts(after)}   (labelled again in {secs:.1f} s)",
             f"keyword or concept lists (a comma between terms): before {sum(', ' in v[0] for v in before.values())}, "
             f"after {sum(', ' in v[0] for v in after.values())} of {len(after)}", "",
             f"{'id':>3} {'size':>5} {'cover':>5}  {'before':<58} after"]
    for c in sorted(m.clusters, key=lambda c: -c.size)[:a.top]:
        cv = cover.get(str(c.id))
        lines.append(f"{c.id:>3} {c.size:>5} {'' if cv is None else f'{cv:.2f}':>5}  {before[c.id][0]:<58} "
                     f"{after[c.id][0]}")
    for how, got in for_labels.items():
        lines.append(f"'X for Y' labels, {how}: {len(got)}" + (": " + "; ".join(got) if got else ""))
    changed = [c for c in m.clusters if before[c.id][0] != after[c.id][0]]
    lines += ["", f"{len(changed)} of {len(m.clusters)} labels changed"]
    text = "\n".join(lines)
    print(text)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
