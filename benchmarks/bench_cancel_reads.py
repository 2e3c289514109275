"""How soon Cancel stops the two stretches of a map build that once read no token: the facet texts' query
and the concept labels (reading the concepts, ranking them per cluster). On a made-up library of
``--papers`` papers (8 labelled sentences each, 5 concept phrases each out of ``--phrases``), each stretch is
timed whole (its second run), then run again with a Cancel from another thread at ``--at`` shares of that
time; the figure is the time from the Cancel to Cancelled (before, Cancel waited for the rest of the
stretch: its whole time less the moment of the Cancel).

    python benchmarks/bench_cancel_reads.py [--papers 12000] [--phrases 3000] [--at 0.2 0.5 0.8]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core")]


def fill(lib, n_papers: int, n_phrases: int) -> dict[int, list[int]]:
    """Papers with sentences and a concept batch; returns 20 clusters of paper ids."""
    from gapscope.store.library import now_iso

    rng = np.random.default_rng(0)
    ids = []
    with lib.transaction() as conn:
        for i in range(n_papers):
            pid = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?,?,?,?)",
                               (f"Paper {i}", "x" * 800, f"paper {i}", now_iso())).lastrowid
            ids.append(pid)
            lib.write_facet_sentences(pid, [(j, j * 100, j * 100 + 90, f"Sentence {j} of paper {i} " + "word " * 15,
                                             ("method", "result", "background")[j % 3], 0.9,
                                             "own" if j == 7 else "none", 0.9) for j in range(8)], "m", "h", now_iso())
    papers_of: dict[int, list[int]] = {}
    for k, pid in enumerate(ids):
        # each cluster's papers favour their own slice of the phrases: distinctive ones to rank
        base = (k % 20) * (n_phrases // 20)
        for ph in set(rng.integers(base, base + n_phrases // 10, 5) % n_phrases):
            papers_of.setdefault(int(ph), []).append(pid)
    concepts = [{"kind": "method", "phrase": f"phrase {ph} words", "synonyms": [],
                 "vector": rng.normal(size=32).astype(np.float32), "papers": [(p, "method", 0.5) for p in ps]}
                for ph, ps in papers_of.items()]
    lib.save_concepts(concepts, {"extractor": "made up"}, now_iso())
    return {c: ids[c::20] for c in range(20)}


def latency(run, after: float):
    """Seconds from a Cancel ``after`` seconds into ``run(token)`` to its Cancelled (None: it ended first)."""
    from gapscope.jobs import CancelToken, Cancelled

    token = CancelToken()
    at = {}

    def cancel():
        at["t"] = time.perf_counter()
        token.cancel()

    timer = threading.Timer(after, cancel)
    timer.start()
    try:
        run(token)
    except Cancelled:
        return time.perf_counter() - at["t"]
    finally:
        timer.cancel()
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=12000)
    ap.add_argument("--phrases", type=int, default=3000)
    ap.add_argument("--at", type=float, nargs="+", default=[0.2, 0.5, 0.8])
    args = ap.parse_args()
    from gapscope.analyze import map_concepts
    from gapscope.maps.labels import concept_labels
    from gapscope.store import Library

    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-cancel-reads-"))
    try:
        lib = Library(tmp / "library.sqlite")
        clusters = fill(lib, args.papers, args.phrases)
        concepts = map_concepts(lib)
        members = [clusters[c] for c in sorted(clusters)]

        def texts(token):
            with lib.cancellable(token):
                lib.facet_texts()

        stretches = {
            "facet texts' query": texts,
            "concepts read (map_concepts)": lambda token: map_concepts(lib, token),
            "concept labels ranked": lambda token: concept_labels(members, concepts.phrases, vectors=concepts.vectors,
                                                                  cancel=token),
        }
        print(f"made-up library: {args.papers} papers, {len(lib.effective_sentences())} sentences, "
              f"{len(concepts.vectors)} concepts; Cancel at {', '.join(f'{a:g}' for a in args.at)} of each stretch")
        for name, run in stretches.items():
            for _ in range(2):                 # the second run: imports and caches warm
                t = time.perf_counter()
                run(None)
                whole = time.perf_counter() - t
            got = [latency(run, a * whole) for a in args.at]
            said = ", ".join("ended first" if g is None else f"{g:.3f}" for g in got)
            print(f"{name:<30} whole {whole:5.2f} s; Cancel to Cancelled (s): {said}")
        lib.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
