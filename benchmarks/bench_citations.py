"""Related-papers and coupling queries on a synthetic citation graph the size of the shared cs library.

75,000 library papers cite 30 works each: half of them library papers, half outside works (300,000 of
them), both drawn with a heavy-tailed popularity, so that some references are cited thousands of times
as in a real field. The graph is written into a scratch library (works + citations through the store,
as `gapscope enrich` leaves them), loaded back with CitationGraph.load (what every `gapscope related`
pays once: from SQLite, then from the cached matrices), then timed per query:

- related: ``graph.related([paper], k=20)`` (coupling + co-citation, normalised, best 20);
- coupling: the shared-reference counts of one paper against every work, and its 20 best.

    PYTHONPATH=core nice -n 10 /work/main/.venv/bin/python benchmarks/bench_citations.py [--papers 75000]

The last line reads ``papers=N references=N related_ms_median=X coupling_ms_median=Y``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def synthetic_edges(n_papers: int, refs: int, n_outside: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(citing, cited) node numbers: papers are 0..n_papers-1, outside works n_papers.. ; no self-loop,
    no repeated reference within a paper (a duplicate draw is redrawn)."""
    rng = np.random.default_rng(seed)
    half = refs // 2
    out_c, out_d = [], []
    for start in range(0, n_papers, 5000):
        rows = np.arange(start, min(n_papers, start + 5000))
        m = len(rows)
        lib = np.floor(rng.random((m, half)) ** 2.5 * n_papers).astype(np.int64)          # heavy tail
        ext = n_papers + np.floor(rng.random((m, refs - half)) ** 3.0 * n_outside).astype(np.int64)
        cand = np.concatenate([lib, ext], axis=1)
        cand = np.where(cand == rows[:, None], (cand + 1) % n_papers, cand)
        for k in range(m):                      # redraw duplicates until each paper has `refs` distinct works
            u = np.unique(cand[k])
            while len(u) < refs:
                extra = n_papers + rng.integers(0, n_outside, refs - len(u))
                u = np.unique(np.concatenate([u, extra]))
            out_c.append(np.full(refs, rows[k]))
            out_d.append(u[:refs])
    return np.concatenate(out_c), np.concatenate(out_d)


def write_library(path: Path, n_papers: int, citing: np.ndarray, cited: np.ndarray) -> None:
    """Papers, works and edges straight into a scratch library (one transaction per table)."""
    from gapscope.store import Library

    lib = Library(path)
    now = "2026-01-01T00:00:00+00:00"
    n_nodes = int(max(citing.max(), cited.max())) + 1
    with lib.transaction() as conn:
        conn.executemany("INSERT INTO papers (id, title, norm_title, added_at) VALUES (?, ?, ?, ?)",
                         ((i + 1, f"paper {i}", f"paper {i}", now) for i in range(n_papers)))
        conn.executemany("INSERT INTO works (id, paper_id, s2_id, updated_at) VALUES (?, ?, ?, ?)",
                         ((i + 1, i + 1 if i < n_papers else None, f"{i:040x}", now) for i in range(n_nodes)))
        conn.executemany("INSERT INTO citations (citing, cited, via) VALUES (?, ?, 1)",
                         zip((citing + 1).tolist(), (cited + 1).tolist()))
    lib.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=75000)
    ap.add_argument("--refs", type=int, default=30)
    ap.add_argument("--outside", type=int, default=300000)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--library", default=os.path.join(tempfile.gettempdir(), "gapscope-bench-citations", "lib.gapscope"))
    args = ap.parse_args()
    print("command:", "nice -n 10", shlex.join([sys.executable] + sys.argv))

    from gapscope.citations.graph import CitationGraph
    from gapscope.store import Library

    t = time.perf_counter()
    citing, cited = synthetic_edges(args.papers, args.refs, args.outside)
    print(f"synthetic edges: {len(citing):,} in {time.perf_counter() - t:.1f} s")
    path = Path(args.library)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(path, ignore_errors=True)     # a scratch library folder from an earlier run
    t = time.perf_counter()
    write_library(path, args.papers, citing, cited)
    print(f"written to {path}: {time.perf_counter() - t:.1f} s")

    lib = Library(path)
    os.environ["GAPSCOPE_CITATIONS_CACHE"] = str(path.parent / "cache")
    t = time.perf_counter()
    graph = CitationGraph.load(lib, cache_from=10 ** 12)
    print(f"CitationGraph.load from SQLite: {time.perf_counter() - t:.2f} s ({graph.n:,} rows, {graph.n_edges:,} edges)")
    CitationGraph.load(lib)   # writes the cached matrices
    t = time.perf_counter()
    graph = CitationGraph.load(lib)
    print(f"CitationGraph.load from the cache (graph unchanged): {time.perf_counter() - t:.2f} s")

    rng = np.random.default_rng(1)
    queries = rng.choice(np.flatnonzero(graph.paper_of >= 0), size=args.queries, replace=False)
    graph.related([int(queries[0])], k=20)          # first call builds nothing lazily, but warms the caches
    related_ms, coupling_ms, found = [], [], []
    for i in queries:
        t = time.perf_counter()
        hits = graph.related([int(i)], k=20)
        related_ms.append(1000 * (time.perf_counter() - t))
        found.append(len(hits))
        t = time.perf_counter()
        c = graph.coupling(int(i))
        c[int(i)] = 0
        top = np.argpartition(-c, 20)[:20]
        coupling_ms.append(1000 * (time.perf_counter() - t))
        assert c[top].max() >= 1
    lib.close()
    print(f"related: median {statistics.median(related_ms):.1f} ms, max {max(related_ms):.1f} ms, "
          f"{statistics.mean(found):.1f} hits per query; coupling: median {statistics.median(coupling_ms):.1f} ms, "
          f"max {max(coupling_ms):.1f} ms ({args.queries} queries)")
    print(f"papers={int((graph.paper_of >= 0).sum())} references={graph.n_edges} "
          f"related_ms_median={statistics.median(related_ms):.1f} coupling_ms_median={statistics.median(coupling_ms):.1f}")


if __name__ == "__main__":
    main()
