"""Per-decision latency of the screening queue on a 10k-paper collection.

Imports the first N papers of the shared arXiv file into a scratch library (once; reused after),
builds the features, then times `decide` + `queue(1)` (the decision is committed, the model refitted,
every unscreened paper rescored, the next paper picked) over a run of decisions.

    PYTHONPATH=core nice -n 10 /work/devenv/bin/python benchmarks/bench_triage.py [--n 10000] [--decisions 60]

--dense-block adds a random 384-d block in place of MiniLM vectors (same shape and cost as the
real embeddings) when the library has no stored embeddings; it measures latency only.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
# ../shared/data next to the project (or above a git worktree), or $GAPSCOPE_SHARED_DATA
SHARED_DATA = Path(os.environ.get("GAPSCOPE_SHARED_DATA") or next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--decisions", type=int, default=60)
    ap.add_argument("--library", default=os.path.join(tempfile.gettempdir(), "gapscope-bench-triage", "lib.sqlite"))
    ap.add_argument("--dense-block", action="store_true")
    args = ap.parse_args()
    print("command:", "nice -n 10", shlex.join([sys.executable] + sys.argv))

    import numpy as np

    from gapscope.ingest import import_file
    from gapscope.store import Library
    from gapscope.triage import TriageSession, decide, seed
    from gapscope.triage import queue as queue_mod

    src = SHARED_DATA / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    lib_path = Path(args.library).with_name(f"lib-{args.n}.sqlite")
    lib_path.parent.mkdir(parents=True, exist_ok=True)
    lib = Library(lib_path)
    if lib.count_papers() < args.n:
        part = lib_path.with_suffix(".jsonl")
        with gzip.open(src, "rt", encoding="utf-8") as fh, part.open("w", encoding="utf-8") as out:
            for k, line in enumerate(fh):
                if k >= args.n:
                    break
                out.write(line)
        t = time.perf_counter()
        report = import_file(lib, part)
        print(f"imported {report.added} papers in {time.perf_counter() - t:.1f} s")
    ids = lib.list_paper_ids()[: args.n]
    coll = f"bench-{args.n}"
    lib.add_to_collection(coll, ids)
    # start from a clean screening state
    with lib.transaction() as conn:
        conn.execute("DELETE FROM decisions WHERE collection_id = ?", (lib.collection_id(coll),))

    if args.dense_block:
        rng = np.random.default_rng(0)
        vecs = rng.standard_normal((len(ids), 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        queue_mod.library_vectors = lambda lib_, pids: vecs  # stand-in with the real shape
    os.environ["GAPSCOPE_TRIAGE_CACHE"] = str(lib_path.parent / "cache")
    t = time.perf_counter()
    session = TriageSession(lib, coll)
    t_build = time.perf_counter() - t
    print(f"collection: {len(session.paper_ids)} papers; features {session.X.shape[1]} columns "
          f"({'TF-IDF + 384-d dense block' if session.has_embeddings else 'TF-IDF'}); "
          f"built or loaded in {t_build:.2f} s (cached on disk after the first build)")

    # A reviewer looking for language-model papers: include when the title says so.
    cats = dict(lib._conn.execute("SELECT id, lower(title) FROM papers"))
    relevant = lambda pid: any(w in cats[pid] for w in ("language model", "llm"))  # noqa: E731
    seed(lib, [next(p for p in ids if relevant(p))], coll)
    latencies = []
    nxt = session.queue(1)[0]["paper_id"]
    for _ in range(args.decisions):
        t = time.perf_counter()
        decide(lib, nxt, "include" if relevant(nxt) else "exclude", collection=coll)
        nxt = session.queue(1)[0]["paper_id"]
        latencies.append((time.perf_counter() - t) * 1000)
    hits = sum(1 for d in session.current().values() if d["decision"] == "include")
    lat = sorted(latencies)
    print(f"per decision (commit + refit + rescore {len(session.paper_ids)} + pick next), {len(lat)} decisions: "
          f"median {statistics.median(lat):.0f} ms, p90 {lat[int(0.9 * len(lat)) - 1]:.0f} ms, max {lat[-1]:.0f} ms "
          f"(target < 200 ms); includes found {hits}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    lib.close()


if __name__ == "__main__":
    main()
