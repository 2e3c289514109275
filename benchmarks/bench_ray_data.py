"""Ray Data `map_batches` with an actor pool against GapScope's actor pool (gapscope.cluster.pool), on
the same chunks: the same N abstracts of the shared cs file in chunks of C (one Dataset row per chunk,
because the chunk is the unit of commit), 2 actors x 1 CPU each, wall time including actor start-up,
and whether the vectors are identical.

    PYTHONPATH=core nice python benchmarks/bench_ray_data.py --n 300 --chunk 50
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core"), str(ROOT)]


class _Encode:
    """The Ray Data callable class: one encoder per actor, a chunk per row."""

    def __init__(self) -> None:
        from gapscope.embed import Encoder

        self.enc = Encoder(device="cpu", threads=1)

    def __call__(self, batch):
        import numpy as np

        return {"i": batch["i"], "vecs": np.array([self.enc.encode(list(t)).tobytes() for t in batch["texts"]],
                                                  dtype=object)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--chunk", type=int, default=50)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    shared = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data"))

    import numpy as np
    import ray

    from gapscope.cluster.pool import RayChunkRunner
    from gapscope.cluster.workers import embed_worker
    from gapscope.embed import abstract_text
    from tests.core.facets_helpers import arxiv_records

    print(f"$ PYTHONPATH=core nice python benchmarks/bench_ray_data.py --n {args.n} --chunk {args.chunk}")
    print(f"load average before {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (shared)")
    texts = sorted((abstract_text(t, a) for t, a in arxiv_records(shared, args.n)), key=len)
    chunks = [texts[i:i + args.chunk] for i in range(0, len(texts), args.chunk)]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False
        t = time.perf_counter()
        ds = ray.data.from_items([{"i": i, "texts": c} for i, c in enumerate(chunks)], override_num_blocks=len(chunks))
        data = {}
        for b in ds.map_batches(_Encode, batch_size=1, concurrency=2, num_cpus=1).iter_batches(batch_size=1):
            data[int(b["i"][0])] = np.frombuffer(b["vecs"][0], np.float32).reshape(len(chunks[int(b["i"][0])]), -1)
        data_s = time.perf_counter() - t

        t = time.perf_counter()
        runner = RayChunkRunner(functools.partial(embed_worker, {"model": None, "device": "cpu"}, "auto", 1), actors=2)
        pool = dict(runner((c, None) for c in chunks))
        pool_s = time.perf_counter() - t
    finally:
        ray.shutdown()
    same = all(np.array_equal(data[i], pool[i]) for i in range(len(chunks)))
    print(f"Ray Data map_batches (2 actors): {data_s:.1f} s for {len(texts)} abstracts in {len(chunks)} chunks")
    print(f"gapscope actor pool (2 actors) : {pool_s:.1f} s (of which {runner.ready_s:.1f} s start-up)")
    print(f"identical vectors: {same}")


if __name__ == "__main__":
    main()
