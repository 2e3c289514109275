"""Import of the 74,566-paper arXiv file and full-text search latency over it.

Run:  .venv/bin/python benchmarks/bench_library.py [--file ../shared/data/arxiv/arxiv-cs-2025-2026.jsonl.gz]
Targets (issue 2): import under 30 s on the 2-core machine; FTS median under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
SHARED_DATA = Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))

from gapscope.ingest import import_file  # noqa: E402
from gapscope.store import Library  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(SHARED_DATA / "arxiv/arxiv-cs-2025-2026.jsonl.gz"))
    ap.add_argument("--then", default=str(SHARED_DATA / "arxiv/arxiv-math-2025-2026.jsonl.gz"),
                    help="a second file imported after the re-import (the math file adds 2,487); '' to skip")
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "bench.sqlite")
        w0, c0 = time.perf_counter(), time.process_time()
        rep = import_file(lib, args.file)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        print(f"import: {rep.added} papers added ({rep.read} read, {len(rep.errors)} bad) in {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU ({rep.added / wall:,.0f} papers/s); target < 30 s")
        w0 = time.perf_counter()
        again = import_file(lib, args.file)
        print(f"re-import: added {again.added}, unchanged {again.unchanged} in {time.perf_counter() - w0:.1f} s")
        if args.then:
            w0 = time.perf_counter()
            more = import_file(lib, args.then)
            print(f"then {Path(args.then).name}: added {more.added}, merged {more.merged} in {time.perf_counter() - w0:.1f} s;"
                  f" library now {lib.count_papers()} papers")

        rng = random.Random(0)
        titles = [r[0] for r in lib._conn.execute("SELECT title FROM papers ORDER BY random() LIMIT 2000")]
        words = [w for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)]
        queries = []
        for _ in range(args.queries):
            n = rng.choice((1, 1, 2, 3))
            queries.append(" ".join(rng.choice(words) for _ in range(n)))
        lib.search("warm up")
        times = []
        hits = 0
        for q in queries:
            t0 = time.perf_counter()
            hits += len(lib.search(q, limit=50))
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"search: {len(queries)} queries of 1-3 title words, top 50 by bm25: median {statistics.median(times):.2f} ms, "
              f"p95 {times[int(0.95 * len(times))]:.2f} ms, max {times[-1]:.2f} ms ({hits} hits); target median < 20 ms")
        lib.close()


if __name__ == "__main__":
    main()
